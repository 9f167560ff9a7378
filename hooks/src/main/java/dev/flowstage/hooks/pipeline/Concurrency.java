package dev.flowstage.hooks.pipeline;

import java.util.Locale;

/** How a pipeline treats a deploy while another of its runs is pending (SPEC §6). */
public enum Concurrency {
    /** Runs execute in parallel. */
    ALLOW,
    /** Runs execute one at a time, in the order they were requested. */
    QUEUE,
    /** A deploy while a run is queued, running or awaiting approval is refused (409). */
    FORBID;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for its JSON form, or null when {@code s} names none. */
    public static Concurrency fromJson(String s) {
        for (Concurrency c : values()) {
            if (c.json().equals(s)) {
                return c;
            }
        }
        return null;
    }
}
