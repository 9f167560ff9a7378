package dev.flowstage.storage.meta;

import java.util.Locale;

/** What a personal access token may do: read (fetch, GET), write (push, changes), admin (everything the user may). */
public enum TokenScope {
    READ, WRITE, ADMIN;

    public boolean allows(TokenScope needed) {
        return compareTo(needed) >= 0;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenScope parse(String s) {
        if (s != null) {
            for (TokenScope t : values()) {
                if (t.json().equals(s)) {
                    return t;
                }
            }
        }
        throw new MetaInvalidException("scope must be one of read, write, admin");
    }
}
