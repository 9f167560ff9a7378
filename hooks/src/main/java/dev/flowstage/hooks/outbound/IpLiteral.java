package dev.flowstage.hooks.outbound;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and writes IP address literals without ever asking DNS: {@link InetAddress#getByName} would look a
 * name up, which a configuration check must not do (names change; only the connect-time check counts).
 */
public final class IpLiteral {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /** The address written by {@code text} (dotted IPv4, or IPv6 with or without brackets), or empty for a name. */
    public static Optional<InetAddress> parse(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            var m = V4.matcher(t);
            if (m.matches()) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(m.group(i + 1));
                    if (part > 255) {
                        return Optional.empty();
                    }
                    b[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(b));
            }
            if (t.indexOf(':') >= 0 && V6.matcher(t).matches()) {
                // a string with a colon is only ever parsed as an IPv6 literal, never looked up
                return Optional.of(InetAddress.getByName(t));
            }
        } catch (UnknownHostException | NumberFormatException notALiteral) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** {@code 10.0.0.1}, or IPv6 in its short form ({@code ::1}, {@code fd00:ec2::254}). */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
