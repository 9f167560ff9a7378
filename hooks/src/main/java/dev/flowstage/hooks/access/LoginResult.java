package dev.flowstage.hooks.access;

import java.time.Duration;

/** What a sign-in attempt came to: a principal, a refusal, or "too many failed attempts, wait". */
public sealed interface LoginResult {
    /** Signed in. */
    record Success(Principal principal) implements LoginResult {}

    /** Missing, malformed or wrong credentials. */
    record Failure() implements LoginResult {}

    /** Refused without checking: too many failed sign-ins for this user or from this address. */
    record Throttled(Duration retryAfter) implements LoginResult {
        /** Whole seconds to wait, at least 1 (for a {@code Retry-After} header). */
        public long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }

        /** The sentence shown to the caller, the same on every transport. */
        public String message() {
            long s = retryAfterSeconds();
            return "too many failed sign-in attempts: try again in " + s + (s == 1 ? " second" : " seconds");
        }
    }

    LoginResult FAILURE = new Failure();
}
