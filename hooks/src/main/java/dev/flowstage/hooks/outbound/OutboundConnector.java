package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The one place outbound connections are made: resolves the host once, checks every address it resolves
 * to against the {@link AddressPolicy} (one disallowed address refuses the host, so a name cannot mix a
 * public address with an internal one), and connects a socket to a checked address, never looking the
 * name up again, so DNS cannot change the answer between the check and the connect.
 */
public final class OutboundConnector {
    private final AddressPolicy policy;
    private final HostResolver resolver;

    public OutboundConnector(AddressPolicy policy, HostResolver resolver) {
        this.policy = Objects.requireNonNull(policy);
        this.resolver = Objects.requireNonNull(resolver);
    }

    /** A connector over the system's DNS. */
    public OutboundConnector(AddressPolicy policy) {
        this(policy, HostResolver.SYSTEM);
    }

    public AddressPolicy policy() {
        return policy;
    }

    /**
     * The addresses of {@code host}, every one of them allowed.
     * @throws UnknownHostException when it does not resolve @throws OutboundRefusedException when one is not allowed
     */
    public List<InetAddress> resolve(String host) throws IOException {
        InetAddress[] all = resolver.resolve(host);
        if (all == null || all.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress a : all) {
            policy.check(host, a);
        }
        return List.of(all);
    }

    /**
     * A socket connected to {@code host}:{@code port} at one of its checked addresses, tried in the order
     * resolved, within {@code timeout} each.
     * @throws SocketTimeoutException when no address accepted in time
     */
    public Socket connect(String host, int port, Duration timeout) throws IOException {
        IOException last = null;
        for (InetAddress address : resolve(host)) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        throw last;
    }
}
