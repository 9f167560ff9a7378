package dev.flowstage.agent.git;

import dev.flowstage.agent.tls.ServerTrust;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.security.GeneralSecurityException;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's JDK HTTP connections with the server's {@link ServerTrust} (pinned certificate or CA file) on
 * each https connection. It is set on one {@code TransportHttp} at a time
 * ({@code setHttpConnectionFactory}), so nothing JVM-wide changes.
 */
final class TlsHttpConnectionFactory implements HttpConnectionFactory {
    private final ServerTrust trust;
    private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();

    TlsHttpConnectionFactory(ServerTrust trust) {
        this.trust = trust;
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return configure(jdk.create(url));
    }

    @Override
    public HttpConnection create(URL url, Proxy proxy) throws IOException {
        return configure(jdk.create(url, proxy));
    }

    private HttpConnection configure(HttpConnection conn) throws IOException {
        if ("https".equals(conn.getURL().getProtocol())) {
            try {
                conn.configure(null, trust.trustManagers(), null);
                conn.setHostnameVerifier(trust.hostnameVerifier());
            } catch (GeneralSecurityException e) {
                throw new IOException("setting up TLS for " + conn.getURL().getHost(), e);
            }
        }
        return conn;
    }
}
