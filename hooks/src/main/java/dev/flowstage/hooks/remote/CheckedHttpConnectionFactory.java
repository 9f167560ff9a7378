package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.OutboundConnector;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;

/**
 * JGit's HTTP connections for one outbound Git operation: HTTPS only, never through a proxy, sockets from a
 * {@link CheckedSocketFactory} (outbound policy on the address connected to) over a TLS context trusting the
 * endpoint's CA besides the JVM's. Set on the transport itself, so no other JGit client in the process is affected.
 */
final class CheckedHttpConnectionFactory implements HttpConnectionFactory2 {
    private final CheckedSocketFactory sockets;

    CheckedHttpConnectionFactory(SSLContext tls, OutboundConnector connector) {
        this.sockets = new CheckedSocketFactory(tls.getSocketFactory(), connector);
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
        return create(url, Proxy.NO_PROXY);
    }

    @Override
    public HttpConnection create(URL url, Proxy ignored) throws IOException {
        if (!"https".equalsIgnoreCase(url.getProtocol())) {
            // a redirect to plain http would send the credentials in clear text
            throw new IOException("refusing " + url.getProtocol() + " for an external repository: https only");
        }
        HttpsURLConnection c = (HttpsURLConnection) url.openConnection(Proxy.NO_PROXY);
        c.setSSLSocketFactory(sockets);
        return new CheckedHttpsConnection(c);
    }

    @Override
    public GitSession newSession() {
        return new GitSession() {
            @Override
            public HttpConnection configure(HttpConnection connection, boolean sslVerify) {
                // verification is never switched off (http.sslVerify is not read for outbound remotes)
                return connection;
            }

            @Override
            public void close() {
                // nothing held per session
            }
        };
    }
}
