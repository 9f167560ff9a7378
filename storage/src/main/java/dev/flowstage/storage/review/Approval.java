package dev.flowstage.storage.review;

import java.time.Instant;
import java.util.Objects;

/** One user's approval of a review, with the comment they gave with it ({@code null} when none). */
public record Approval(String user, Instant at, String comment) {
    public Approval {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
    }

    /** An approval without a comment. */
    public Approval(String user, Instant at) {
        this(user, at, null);
    }
}
