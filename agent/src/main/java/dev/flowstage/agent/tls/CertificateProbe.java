package dev.flowstage.agent.tls;

import dev.flowstage.agent.AgentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * Connects once to an https server and returns the certificate it presents, trusting nothing: used by
 * {@code agent init} to learn (and print) the fingerprint it then pins. The caller compares the result
 * with a fingerprint the operator gives, when one is given.
 */
public final class CertificateProbe {
    private static final int TIMEOUT_MS = 10_000;

    private CertificateProbe() {}

    public static X509Certificate fetch(URI server) {
        String host = server.getHost();
        int port = server.getPort() == -1 ? 443 : server.getPort();
        X509Certificate[] seen = new X509Certificate[1];
        X509TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                if (chain != null && chain.length > 0) {
                    seen[0] = chain[0];
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new X509TrustManager[] {recorder}, null);
            try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                socket.startHandshake();
            }
        } catch (UnknownHostException e) {
            throw new AgentException("the server " + server + " is not reachable: unknown host " + host);
        } catch (ConnectException e) {
            throw new AgentException("the server " + server + " is not reachable (connection refused): is it running,"
                    + " and is " + port + " its HTTPS port?");
        } catch (SocketTimeoutException e) {
            throw new AgentException("the server " + server + " did not answer within " + TIMEOUT_MS / 1000 + " s");
        } catch (SSLException e) {
            throw new AgentException("the server " + server + " did not complete a TLS handshake (" + e.getMessage()
                    + "): is " + port + " its HTTPS port?");
        } catch (IOException e) {
            throw new AgentException("the server " + server + " could not be reached: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("setting up TLS", e);
        }
        if (seen[0] == null) {
            throw new AgentException("the server " + server + " presented no TLS certificate");
        }
        return seen[0];
    }
}
