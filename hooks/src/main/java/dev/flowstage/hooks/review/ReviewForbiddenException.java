package dev.flowstage.hooks.review;

/** The caller may see the review but not decide it (only owners approve and reject): a 403. */
public final class ReviewForbiddenException extends RuntimeException {
    public ReviewForbiddenException(String message) {
        super(message, null, false, false);
    }
}
