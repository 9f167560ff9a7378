package dev.flowstage.storage.review;

import java.util.Locale;

/** Where a review stands; written in JSON in lower case. */
public enum ReviewState {
    OPEN, APPROVED, REJECTED, MERGED, ABANDONED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON form ("open", ...); null when {@code s} names no state. */
    public static ReviewState fromJson(String s) {
        for (ReviewState state : values()) {
            if (state.json().equals(s)) {
                return state;
            }
        }
        return null;
    }

    /** Open and approved reviews may still change; the others are final. */
    public boolean isFinal() {
        return this == REJECTED || this == MERGED || this == ABANDONED;
    }
}
