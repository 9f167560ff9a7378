package dev.flowstage.hooks.upstream;

import java.util.Locale;

/** Where an instance's sync stands, as the status and the {@code upstream} events name it. */
public enum UpstreamState {
    IN_SYNC, BEHIND, SYNCING, PAUSED, ERROR;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UpstreamState parse(String s) {
        for (UpstreamState st : values()) {
            if (st.json().equals(s)) {
                return st;
            }
        }
        return null;
    }
}
