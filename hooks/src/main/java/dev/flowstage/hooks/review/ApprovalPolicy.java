package dev.flowstage.hooks.review;

import dev.flowstage.storage.review.Review;
import java.util.Optional;

/** A rule on who may approve a review beyond being an owner, e.g. "not the actor of the run it gates". */
@FunctionalInterface
public interface ApprovalPolicy {
    /** Why {@code approver} may not approve {@code review}; empty when they may. */
    Optional<String> refusal(Review review, String approver);
}
