package dev.flowstage.hooks.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * What kind of address an outbound call would reach, judged on the IPv4 address inside IPv4-mapped,
 * IPv4-compatible, NAT64 and 6to4 IPv6 forms (connecting to {@code ::ffff:127.0.0.1} reaches loopback).
 */
public enum AddressKind {
    PUBLIC("public", false),
    LOOPBACK("loopback", false),
    PRIVATE("private", false),
    SHARED("shared address space, CGNAT", false),
    UNSPECIFIED("unspecified", false),
    MULTICAST("multicast", false),
    RESERVED("reserved", false),
    LINK_LOCAL("link-local", true),
    METADATA("cloud metadata", true);

    /** Ranges where cloud metadata services and link-local neighbours live: only an entry inside one admits them. */
    public static final List<Cidr> EXPLICIT_ONLY_RANGES = List.of(
            Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"), Cidr.parse("fd00:ec2::254/128"));

    private static final Map<Cidr, AddressKind> V4 = ranges(
            "0.0.0.0/32", UNSPECIFIED, "0.0.0.0/8", RESERVED, "127.0.0.0/8", LOOPBACK, "10.0.0.0/8", PRIVATE,
            "172.16.0.0/12", PRIVATE, "192.168.0.0/16", PRIVATE, "100.64.0.0/10", SHARED,
            "169.254.0.0/16", LINK_LOCAL, "192.0.0.0/24", RESERVED, "198.18.0.0/15", RESERVED,
            "224.0.0.0/4", MULTICAST, "240.0.0.0/4", RESERVED);
    private static final Map<Cidr, AddressKind> V6 = ranges(
            "::/128", UNSPECIFIED, "::1/128", LOOPBACK, "fd00:ec2::254/128", METADATA, "fc00::/7", PRIVATE,
            "fec0::/10", PRIVATE, "fe80::/10", LINK_LOCAL, "ff00::/8", MULTICAST);
    private static final InetAddress METADATA_V4 = IpLiteral.parse("169.254.169.254").orElseThrow();
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final String label;
    private final boolean explicitOnly;

    AddressKind(String label, boolean explicitOnly) {
        this.label = label;
        this.explicitOnly = explicitOnly;
    }

    /** How the kind is named in messages: {@code loopback}, {@code link-local}, ... */
    public String label() {
        return label;
    }

    /** Admitted only by an allow entry that itself lies in {@link #EXPLICIT_ONLY_RANGES}, never by a broad one. */
    public boolean explicitOnly() {
        return explicitOnly;
    }

    /** The kind of {@code address}. */
    public static AddressKind of(InetAddress address) {
        InetAddress a = embeddedIpv4(address);
        // first match wins, so the narrower ranges are listed before the ones containing them
        for (Map.Entry<Cidr, AddressKind> e : (a instanceof Inet4Address ? V4 : V6).entrySet()) {
            if (e.getKey().contains(a)) {
                return a.equals(METADATA_V4) ? METADATA : e.getValue();
            }
        }
        return PUBLIC;
    }

    /**
     * The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64 {@code 64:ff9b::/96}, 6to4
     * {@code 2002::/16}), else {@code address} itself.
     */
    public static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        int from;
        if (NAT64.contains(address) || (COMPATIBLE.contains(address) && !zeroOrOne(b))) {
            from = 12;
        } else if (SIX_TO_FOUR.contains(address)) {
            from = 2;
        } else {
            return address; // ::ffff:a.b.c.d is already an Inet4Address: Java converts mapped addresses
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static boolean zeroOrOne(byte[] b) {
        for (int i = 0; i < 15; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[15] == 0 || b[15] == 1;
    }

    private static Map<Cidr, AddressKind> ranges(Object... pairs) {
        Map<Cidr, AddressKind> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(Cidr.parse((String) pairs[i]), (AddressKind) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
