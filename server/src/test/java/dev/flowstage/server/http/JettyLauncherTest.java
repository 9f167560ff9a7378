package dev.flowstage.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.tls.TlsMaterial;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JettyLauncherTest {
    @TempDir
    Path data;

    /** Answers "hello http" or "hello https". */
    private static final Handler HELLO = new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            Content.Sink.write(response, true, "hello " + request.getHttpURI().getScheme(), callback);
            return true;
        }
    };

    private ServerConfig config(String... args) {
        List<String> all = new ArrayList<>(List.of("--data", data.toString()));
        all.addAll(List.of(args));
        return new ConfigLoader(() -> "h").load(all, Map.of());
    }

    private static HttpClient client(TlsMaterial trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted.trustStore());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static String get(HttpClient client, String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void servesHttpAndHttpsOnRandomPorts() throws Exception {
        ServerConfig config = config("--http-port=random", "--https-port=random");
        TlsMaterial tls = TlsMaterial.forConfig(config);
        try (JettyLauncher jetty = new JettyLauncher(config, tls, HELLO)) {
            jetty.start();
            assertTrue(jetty.httpPort() > 0);
            assertTrue(jetty.httpsPort() > 0);
            assertNotEquals(jetty.httpPort(), jetty.httpsPort());
            HttpClient client = client(tls);
            assertEquals("hello http", get(client, "http://127.0.0.1:" + jetty.httpPort() + "/"));
            // The generated certificate is valid for localhost and 127.0.0.1: host names are verified.
            assertEquals("hello https", get(client, "https://localhost:" + jetty.httpsPort() + "/"));
            assertEquals("hello https", get(client, "https://127.0.0.1:" + jetty.httpsPort() + "/"));
        }
    }

    @Test
    void anUntrustedClientIsRefusedTheHandshake() throws Exception {
        ServerConfig config = config("--http-port=0", "--https-port=random");
        TlsMaterial tls = TlsMaterial.forConfig(config);
        TlsMaterial stranger = TlsMaterial.loadOrCreate(data.resolve("other-tls"), "localhost", List.of());
        try (JettyLauncher jetty = new JettyLauncher(config, tls, HELLO)) {
            jetty.start();
            assertThrows(SSLHandshakeException.class,
                    () -> get(client(stranger), "https://localhost:" + jetty.httpsPort() + "/"));
        }
    }

    @Test
    void keepsConnectionsAlive() throws Exception {
        ServerConfig config = config("--http-port=random", "--https-port=0");
        try (JettyLauncher jetty = new JettyLauncher(config, TlsMaterial.forConfig(config), HELLO);
             Socket socket = new Socket("127.0.0.1", startAndPort(jetty))) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 200 OK", in.readLine());
                int length = -1;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    assertFalse(line.equalsIgnoreCase("Connection: close"));
                    assertFalse(line.toLowerCase().startsWith("server:"), "server version is not sent: " + line);
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                assertEquals(length, in.read(body));
                assertEquals("hello http", new String(body));
            }
        }
    }

    private static int startAndPort(JettyLauncher jetty) throws Exception {
        jetty.start();
        return jetty.httpPort();
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = config("--http-port=random", "--https-port=" + taken.getLocalPort());
            try (JettyLauncher jetty = new JettyLauncher(config, TlsMaterial.forConfig(config), HELLO)) {
                java.io.IOException e = assertThrows(dev.flowstage.server.config.ListenException.class, jetty::start);
                assertEquals("port " + taken.getLocalPort() + " is already in use (--https-port); stop what uses it"
                        + " or choose another port with --https-port (0 switches HTTPS off)", e.getMessage());
            }
        }
    }

    @Test
    void listenersCanBeOff() throws Exception {
        ServerConfig config = config("--http-port=0", "--https-port=0");
        try (JettyLauncher jetty = new JettyLauncher(config, TlsMaterial.forConfig(config), HELLO)) {
            jetty.start();
            assertEquals(0, jetty.httpPort());
            assertEquals(0, jetty.httpsPort());
            assertEquals(0, jetty.server().getConnectors().length);
        }
    }

    @Test
    void bindsOnlyTheConfiguredAddress() throws Exception {
        ServerConfig config = config("--http-port=random", "--https-port=0", "--bind=127.0.0.1");
        try (JettyLauncher jetty = new JettyLauncher(config, TlsMaterial.forConfig(config), HELLO)) {
            jetty.start();
            var connector = (org.eclipse.jetty.server.ServerConnector) jetty.server().getConnectors()[0];
            assertEquals("127.0.0.1", connector.getHost());
        }
    }
}
