package dev.flowstage.hooks.review;

/** A comment given with an approval or a rejection that cannot be stored ({@link ReviewComment}): a 422. */
public final class InvalidReviewCommentException extends RuntimeException {
    public InvalidReviewCommentException(String message) {
        super(message, null, false, false);
    }
}
