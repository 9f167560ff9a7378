package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where outbound connections may go: resolves a host once and checks every address it resolves to
 * against the {@link AddressPolicy} (one disallowed address refuses the host, so a name cannot mix a
 * public address with an internal one). {@link OutboundHttp} connects only to the addresses returned here,
 * never looking the name up again, so DNS cannot change the answer between the check and the connect.
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
     * The addresses of {@code host} (a name, or an IP literal with or without brackets, which is taken as it
     * is, without asking the resolver), every one of them allowed.
     * @throws UnknownHostException when it does not resolve @throws OutboundRefusedException when one is not allowed
     */
    public List<InetAddress> resolve(String host) throws IOException {
        Optional<InetAddress> literal = IpLiteral.parse(host);
        InetAddress[] all = literal.isPresent() ? new InetAddress[] {literal.get()} : resolver.resolve(host);
        if (all == null || all.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress a : all) {
            policy.check(host, a);
        }
        return List.of(all);
    }
}
