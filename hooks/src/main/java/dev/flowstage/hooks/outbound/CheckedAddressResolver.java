package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Jetty's way to the addresses of a host, replaced by the {@link OutboundConnector}'s: one lookup, every
 * address checked, a refusal failing the request before any connection. Jetty connects to the addresses
 * handed over here, which are already resolved, so the connection goes to a checked address; each carries
 * the URL's host name, which Jetty takes for TLS (SNI and the certificate's name).
 */
final class CheckedAddressResolver implements SocketAddressResolver {
    private final OutboundConnector connector;
    private final Executor executor;

    CheckedAddressResolver(OutboundConnector connector, Executor executor) {
        this.connector = connector;
        this.executor = executor;
    }

    @Override
    public void resolve(String host, int port, Promise<List<InetSocketAddress>> promise) {
        // a DNS lookup blocks: never on the thread that asked, which may be one of Jetty's selectors
        executor.execute(() -> {
            try {
                promise.succeeded(addresses(host, port));
            } catch (Throwable e) {
                promise.failed(e);
            }
        });
    }

    private List<InetSocketAddress> addresses(String host, int port) throws IOException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetSocketAddress> all = new ArrayList<>();
        for (InetAddress a : connector.resolve(host)) {
            // the checked bytes under the URL's name (the resolver may name an address otherwise): no lookup
            all.add(new InetSocketAddress(InetAddress.getByAddress(name, a.getAddress()), port));
        }
        return all;
    }
}
