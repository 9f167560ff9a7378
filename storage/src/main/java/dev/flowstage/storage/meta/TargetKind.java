package dev.flowstage.storage.meta;

import java.util.Locale;

/** The three kinds of target; each target is one bare repository. */
public enum TargetKind {
    INSTANCE("instances"), DEVICE("devices"), GROUP("groups");

    private final String plural;

    TargetKind(String plural) {
        this.plural = plural;
    }

    /** The path segment used in the API and as the folder in the team config repo. */
    public String plural() {
        return plural;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TargetKind fromPlural(String plural) {
        for (TargetKind k : values()) {
            if (k.plural.equals(plural)) {
                return k;
            }
        }
        return null;
    }
}
