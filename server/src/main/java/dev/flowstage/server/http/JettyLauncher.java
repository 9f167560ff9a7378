package dev.flowstage.server.http;

import dev.flowstage.server.config.ListenException;
import dev.flowstage.server.config.Port;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.tls.TlsMaterial;
import java.io.IOException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One Jetty server with an HTTP and an HTTPS connector (either may be off), both bound to
 * {@code bind}, on a thread pool of at most {@code http-threads}; persistent connections with an idle timeout; with
 * {@code --access-log}, a line per request in the {@link AccessLog}. The ports
 * actually bound are readable after {@link #start()}, which is how tests use {@code random} ports.
 */
public final class JettyLauncher implements AutoCloseable {
    private static final int STOP_TIMEOUT_MS = 5_000;

    private final Server server;
    private final ServerConnector http;
    private final ServerConnector https;
    private final Port httpPort;
    private final Port httpsPort;
    private boolean bound;

    public JettyLauncher(ServerConfig config, TlsMaterial tls, Handler handler) {
        httpPort = config.httpPort();
        httpsPort = config.httpsPort();
        int maxThreads = config.httpThreads();
        // Bounded in threads; the job queue stays Jetty's default because Jetty queues its own
        // internal tasks there and warns that refusing them can stall the server.
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads), 60_000);
        pool.setName("flowstage-http");
        server = new Server(pool);
        server.setStopTimeout(STOP_TIMEOUT_MS);

        HttpConfiguration plain = new HttpConfiguration();
        plain.setSendServerVersion(false);
        plain.setSendXPoweredBy(false);
        plain.setPersistentConnectionsEnabled(true);
        plain.setSecureScheme("https");
        if (config.httpsPort().enabled() && !config.httpsPort().random()) {
            plain.setSecurePort(config.httpsPort().value());
        }
        long idleMs = config.httpIdleTimeout().toMillis();

        http = config.httpPort().enabled()
                ? connector(config, config.httpPort(), idleMs, new HttpConnectionFactory(plain)) : null;
        if (config.httpsPort().enabled()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(tls.keyStorePassword());
            ssl.setKeyManagerPassword(tls.keyStorePassword());
            HttpConfiguration secure = new HttpConfiguration(plain);
            // No SNI host check: clients may reach the server by names the certificate does not list
            // (a LAN alias, a tunnel) and trust it by fingerprint.
            secure.addCustomizer(new SecureRequestCustomizer(false));
            https = connector(config, config.httpsPort(), idleMs,
                    new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(secure));
        } else {
            https = null;
        }
        config.accessLog().ifPresent(file -> server.setRequestLog(new AccessLog(file, config.accessLogKeepDays())));
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(handler);
        server.setHandler(graceful);
    }

    private ServerConnector connector(ServerConfig config, Port port, long idleMs,
                                      org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(config.bind());
        connector.setPort(port.bindValue());
        connector.setIdleTimeout(idleMs);
        server.addConnector(connector);
        return connector;
    }

    /**
     * Opens both connectors' ports without serving yet (connections wait in the backlog); a port in
     * use fails here, with a message naming the option.
     */
    public void bind() throws IOException {
        if (bound) {
            return;
        }
        bind(http, "HTTP", httpPort, "--http-port");
        bind(https, "HTTPS", httpsPort, "--https-port");
        bound = true;
    }

    /** Binds (unless {@link #bind()} did), then serves. */
    public void start() throws Exception {
        bind();
        server.start();
    }

    private static void bind(ServerConnector connector, String what, Port port, String option) throws IOException {
        if (connector == null) {
            return;
        }
        try {
            connector.open();
        } catch (IOException e) {
            throw ListenException.of(what, connector.getHost(), port, option, e);
        }
    }

    /** The HTTP port actually bound; 0 when HTTP is off or the server is not running. */
    public int httpPort() {
        return boundPort(http);
    }

    /** The HTTPS port actually bound; 0 when HTTPS is off or the server is not running. */
    public int httpsPort() {
        return boundPort(https);
    }

    /** The Jetty server, for the lead's wiring (e.g. a shutdown hook or a graceful handler). */
    public Server server() {
        return server;
    }

    /** Stops accepting, lets running requests finish for a few seconds, then closes. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static int boundPort(ServerConnector connector) {
        return connector == null ? 0 : Math.max(connector.getLocalPort(), 0);
    }
}
