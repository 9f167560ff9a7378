package dev.flowstage.hooks.remote;

import java.util.Locale;

/** How the server reaches an external repository. Plain http and git:// are not offered: credentials travel. */
public enum RemoteProtocol {
    HTTPS, SSH;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null when {@code value} names no protocol */
    public static RemoteProtocol parse(String value) {
        for (RemoteProtocol p : values()) {
            if (p.json().equals(value)) {
                return p;
            }
        }
        return null;
    }
}
