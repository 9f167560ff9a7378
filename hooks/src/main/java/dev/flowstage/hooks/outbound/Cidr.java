package dev.flowstage.hooks.outbound;

import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code fd00:ec2::254/128}); a bare address is a one-address network. */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
        this.text = IpLiteral.format(address(network)) + "/" + prefix;
    }

    /** @throws IllegalArgumentException when {@code text} is not an address or address/prefix */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        InetAddress a = IpLiteral.parse(addr).orElseThrow(
                () -> new IllegalArgumentException("'" + text + "' is not an IP address or CIDR"));
        int max = a.getAddress().length * 8;
        int p = max;
        if (slash >= 0) {
            try {
                p = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 0 || p > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + max);
            }
        }
        return new Cidr(mask(a.getAddress(), p), p);
    }

    /** Whether {@code a} lies in this network (IPv4 and IPv6 networks never contain each other's addresses). */
    public boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == network.length && Arrays.equals(mask(b, prefix), network);
    }

    /** Whether every address of this network lies in {@code other}. */
    public boolean within(Cidr other) {
        return network.length == other.network.length && prefix >= other.prefix
                && Arrays.equals(mask(network, other.prefix), other.network);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] m = address.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            m[i] &= (byte) (0xff << (8 - keep));
        }
        return m;
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }
}
