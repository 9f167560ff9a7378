package dev.flowstage.storage.run;

import java.time.Instant;
import java.util.Objects;

/** One line of a run's log. */
public record LogLine(Instant at, String message) {
    public LogLine {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }
}
