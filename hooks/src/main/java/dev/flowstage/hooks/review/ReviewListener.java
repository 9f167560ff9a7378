package dev.flowstage.hooks.review;

import dev.flowstage.storage.review.Review;

/**
 * Hears of reviews reaching their end (a pipeline engine waiting on a review registers one). Called after
 * the state is stored, on the approving or rejecting thread: return quickly.
 */
public interface ReviewListener {
    /** {@code review} is merged; {@code commit} is what {@code main} now points at. */
    default void onMerged(Review review, String commit) { }

    default void onRejected(Review review) { }
}
