package dev.flowstage.agent.run;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between failed attempts: the n-th delay in a row is drawn uniformly
 * from [cap/2, cap] with cap = min(max, initial·2^(n-1)), so a fleet of devices that lost the server at
 * the same moment does not come back in lock step. {@link #reset()} after a success.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The delay before the next attempt, one more failure counted. */
    public Duration next() {
        failures++;
        long cap = cap(failures);
        long low = cap / 2;
        return Duration.ofMillis(low + random.nextLong(cap - low + 1));
    }

    /** The upper bound of the delay after {@code n} failures in a row. */
    long cap(int n) {
        int shift = Math.min(n - 1, 40);
        long cap = initialMillis << shift;
        return cap <= 0 || cap > maxMillis ? maxMillis : cap;
    }

    public void reset() {
        failures = 0;
    }

    /** Failures in a row so far. */
    public int failures() {
        return failures;
    }
}
