package dev.flowstage.hooks.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS over a connection pinned to the checked address: the certificate is verified against the URL's host
 * name (not the address connected to) and that name is sent as SNI. A real TLS server on 127.0.0.1 with a
 * certificate for {@code nodered.test}, made by the JDK's keytool.
 */
class OutboundHttpsTest {
    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static SSLContext clientTls;
    private static final List<String> sniNames = new CopyOnWriteArrayList<>();
    private static final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private static OutboundHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "nodered", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=nodered.test", "-ext", "SAN=dns:nodered.test", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks); // trusts the one self-signed certificate
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverTls.getDefaultSSLParameters();
                p.setSNIMatchers(List.of(new SNIMatcher(0) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sniNames.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", ex -> {
            hostHeaders.add(ex.getRequestHeaders().getFirst("Host"));
            byte[] b = "secure".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        // every name resolves to the server's address, 127.0.0.1, which the allow list admits
        HostResolver toServer = host -> {
            if (host.endsWith(".test")) {
                return new InetAddress[] {InetAddress.getLoopbackAddress()};
            }
            throw new UnknownHostException(host);
        };
        http = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1"), toServer),
                Duration.ofSeconds(5), clientTls, 1024);
    }

    @AfterAll
    static void stop() {
        http.close();
        server.stop(0);
    }

    private static ContentResponse get(String url) throws IOException {
        return http.send(http.newRequest(URI.create(url), Duration.ofSeconds(5)));
    }

    @Test
    void theCertificateAndSniAreForTheHostNameWhileTheSocketGoesToTheCheckedAddress() throws IOException {
        int port = server.getAddress().getPort();
        ContentResponse r = get("https://nodered.test:" + port + "/flows");
        assertEquals(200, r.getStatus());
        assertEquals("secure", new String(r.getContent(), StandardCharsets.UTF_8));
        assertTrue(sniNames.contains("nodered.test"), sniNames.toString());
        assertTrue(hostHeaders.contains("nodered.test:" + port), hostHeaders.toString());
    }

    @Test
    void aCertificateForAnotherNameIsRefusedThoughTheAddressIsTheSame() {
        int port = server.getAddress().getPort();
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                () -> get("https://elsewhere.test:" + port + "/flows"));
        assertTrue(String.valueOf(e.getMessage()).contains("elsewhere.test"), e.getMessage());
    }
}
