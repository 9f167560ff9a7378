package dev.flowstage.storage.review;

import java.time.Instant;
import java.util.Objects;

/** One user's approval of a review. */
public record Approval(String user, Instant at) {
    public Approval {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }
}
