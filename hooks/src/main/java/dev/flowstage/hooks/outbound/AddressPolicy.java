package dev.flowstage.hooks.outbound;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which addresses outbound calls (webhooks, Node-RED Admin APIs, Git remotes) may reach: public addresses,
 * plus the hosts and CIDRs of the server's allow list. Link-local and cloud-metadata addresses are admitted
 * only by an entry lying inside their ranges, so {@code 0.0.0.0/0} opens private networks but not
 * 169.254.169.254; a host-name entry admits what that name resolves to, again except those.
 */
public final class AddressPolicy {
    /** The server setting that holds the allow list, named in refusals. */
    public static final String SETTING = "--outbound-allow";
    /** Public addresses only. */
    public static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(List.of(), Set.of());

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?");

    private final List<Cidr> networks;
    private final Set<String> hosts;

    private AddressPolicy(List<Cidr> networks, Set<String> hosts) {
        this.networks = List.copyOf(networks);
        this.hosts = Set.copyOf(hosts);
    }

    /**
     * The policy allowing, besides public addresses, the comma-separated host names, addresses and CIDRs in
     * {@code allowList} (blank: none). @throws IllegalArgumentException naming the first bad entry
     */
    public static AddressPolicy parse(String allowList) {
        List<Cidr> networks = new ArrayList<>();
        Set<String> hosts = new java.util.LinkedHashSet<>();
        for (String raw : allowList == null ? new String[0] : allowList.split(",")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.indexOf('/') >= 0 || IpLiteral.parse(entry).isPresent()) {
                networks.add(Cidr.parse(entry));
            } else if (HOST_NAME.matcher(entry).matches() && !entry.matches("[0-9.]+")) {
                hosts.add(stripDot(entry));
            } else {
                throw new IllegalArgumentException("'" + raw.strip() + "' is neither a host name, an IP address nor a CIDR");
            }
        }
        return networks.isEmpty() && hosts.isEmpty() ? PUBLIC_ONLY : new AddressPolicy(networks, hosts);
    }

    /** @throws OutboundRefusedException when a call to {@code host} must not connect to {@code address} */
    public void check(String host, InetAddress address) throws OutboundRefusedException {
        AddressKind kind = AddressKind.of(address);
        if (kind != AddressKind.PUBLIC && !admits(host, address, kind)) {
            throw new OutboundRefusedException(host, address, kind);
        }
    }

    /**
     * The refusal a URL naming {@code host} will meet, known before any lookup: only when the host is an IP
     * literal (a name may resolve elsewhere by the time of the call, which is checked then).
     */
    public Optional<String> refusalOfLiteral(String host) {
        Optional<InetAddress> literal = host == null ? Optional.empty() : IpLiteral.parse(host);
        if (literal.isEmpty()) {
            return Optional.empty();
        }
        try {
            check(host, literal.get());
            return Optional.empty();
        } catch (OutboundRefusedException e) {
            return Optional.of(e.getMessage());
        }
    }

    private boolean admits(String host, InetAddress address, AddressKind kind) {
        InetAddress inner = AddressKind.embeddedIpv4(address);
        for (Cidr n : networks) {
            if ((n.contains(inner) || n.contains(address)) && (!kind.explicitOnly() || explicit(n))) {
                return true;
            }
        }
        return !kind.explicitOnly() && host != null && hosts.contains(stripDot(host.toLowerCase(Locale.ROOT)));
    }

    private static boolean explicit(Cidr n) {
        return AddressKind.EXPLICIT_ONLY_RANGES.stream().anyMatch(n::within);
    }

    private static String stripDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressPolicy p && p.networks.equals(networks) && p.hosts.equals(hosts);
    }

    @Override
    public int hashCode() {
        return networks.hashCode() * 31 + hosts.hashCode();
    }

    /** The allow list as it would be written: {@code 127.0.0.1/32,nodered.lan}; empty for public only. */
    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        networks.forEach(n -> all.add(n.toString()));
        all.addAll(hosts);
        return String.join(",", all);
    }
}
