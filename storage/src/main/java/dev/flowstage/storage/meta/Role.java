package dev.flowstage.storage.meta;

import java.util.Locale;

/** A team member's role; later constants include the earlier ones' rights. */
public enum Role {
    VIEWER, MEMBER, OWNER;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code owner|member|viewer}; throws {@link MetaInvalidException} otherwise. */
    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.json().equals(s)) {
                    return r;
                }
            }
        }
        throw new MetaInvalidException("role must be one of owner, member, viewer");
    }
}
