package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.net.InetAddress;

/** An outbound call was not made: the address it would reach is not allowed by the server's outbound policy. */
public final class OutboundRefusedException extends IOException {
    private final AddressKind kind;

    public OutboundRefusedException(String host, InetAddress address, AddressKind kind) {
        super(message(host, address, kind));
        this.kind = kind;
    }

    public AddressKind kind() {
        return kind;
    }

    private static String message(String host, InetAddress address, AddressKind kind) {
        String shown = IpLiteral.format(address);
        boolean literal = IpLiteral.parse(host).isPresent();
        return "address " + shown + (literal ? "" : " (of " + host + ")") + " is not allowed for outbound calls ("
                + kind.label() + "); allow it with " + AddressPolicy.SETTING
                + (kind.explicitOnly() ? " (only an entry naming it explicitly, e.g. " + shown + ", admits it)" : "");
    }
}
