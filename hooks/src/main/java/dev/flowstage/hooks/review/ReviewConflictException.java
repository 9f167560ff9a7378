package dev.flowstage.hooks.review;

import java.util.List;

/**
 * The review cannot be applied to {@code main} (the same nodes changed on both sides, or main kept moving)
 * or can no longer be decided (already merged or rejected): a 409. The review stays as it was.
 */
public final class ReviewConflictException extends RuntimeException {
    private final List<String> conflicts;

    public ReviewConflictException(String message, List<String> conflicts) {
        super(message, null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    /** What conflicts, one entry per node or file; empty when the refusal is not about content. */
    public List<String> conflicts() {
        return conflicts;
    }
}
