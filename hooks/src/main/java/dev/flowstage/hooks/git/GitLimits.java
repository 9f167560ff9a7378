package dev.flowstage.hooks.git;

import java.time.Duration;
import java.util.Objects;

/** Limits applied to every Git request: pack size per push, size of one object, idle I/O timeout. */
public record GitLimits(long maxPushBytes, long maxFileBytes, Duration timeout) {
    /** SPEC §3.3 defaults: 64 MiB per push, 32 MiB per file; 5 minutes without progress ends a transfer. */
    public static final GitLimits DEFAULTS = new GitLimits(64L << 20, 32L << 20, Duration.ofMinutes(5));

    public GitLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (maxPushBytes <= 0 || maxFileBytes <= 0) {
            throw new IllegalArgumentException("Git size limits must be positive");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Git timeout must be between 1 second and " + Integer.MAX_VALUE + " seconds");
        }
    }

    /** The timeout in whole seconds, as JGit takes it (at least 1). */
    public int timeoutSeconds() {
        return (int) Math.max(1, timeout.toSeconds());
    }
}
