package dev.flowstage.hooks.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts failed sign-ins in memory, per user name and per remote address, and says how long further
 * attempts must wait. Up to {@code perUser} (or {@code perAddress}) failures within {@code window}
 * cost nothing; each one after that makes the next attempt wait twice as long as the one before
 * ({@code firstWait}, doubling, at most {@code maxWait}). A user's lockout holds from every address
 * (the attack is on the account, wherever it comes from). A successful password sign-in clears the
 * user's count; a quiet {@code window} after the last failure (and its wait) clears any count.
 */
public final class LoginThrottle {
    /** The thresholds; {@link #DEFAULT} is what the server uses. */
    public record Limits(int perUser, int perAddress, Duration window, Duration firstWait, Duration maxWait) {
        public static final Limits DEFAULT =
                new Limits(10, 50, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(15));

        public Limits {
            if (perUser < 1 || perAddress < 1 || window.isNegative() || firstWait.isNegative()
                    || maxWait.compareTo(firstWait) < 0) {
                throw new IllegalArgumentException("unreasonable login throttle limits");
            }
        }
    }

    private static final long MAX_ENTRIES = 100_000;
    // Longer names are no user of ours; not keeping them stops a flood of huge names from filling memory
    private static final int MAX_USER_KEY = 100;

    private final Limits limits;
    private final Clock clock;
    private final Cache<String, Failures> users;
    private final Cache<String, Failures> addresses;
    private final FailureListener listener;

    /** Told of each failed sign-in: the user name tried (null when none) and the address; never the secret. */
    @FunctionalInterface
    public interface FailureListener {
        FailureListener NONE = (user, address) -> { };

        void failed(String user, String address);
    }

    public LoginThrottle(Limits limits, Clock clock) {
        this(limits, clock, FailureListener.NONE);
    }

    /** With {@code listener} told of every failed sign-in counted (the audit log records them). */
    public LoginThrottle(Limits limits, Clock clock, FailureListener listener) {
        this.listener = Objects.requireNonNull(listener);
        this.limits = Objects.requireNonNull(limits);
        this.clock = Objects.requireNonNull(clock);
        this.users = cache();
        this.addresses = cache();
    }

    /** How long {@code user} (may be null) from {@code address} must wait before trying again; empty: try now. */
    public Optional<Duration> waitFor(String user, String address) {
        Instant now = clock.instant();
        Duration wait = max(remaining(userKey(user) == null ? null : users.getIfPresent(userKey(user)), now),
                remaining(address == null ? null : addresses.getIfPresent(address), now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /** Counts a failed sign-in of {@code user} (null when no user name was given) from {@code address}. */
    public void failed(String user, String address) {
        Instant now = clock.instant();
        String key = userKey(user);
        if (key != null) {
            users.asMap().compute(key, (k, f) -> next(f, now, limits.perUser()));
        }
        if (address != null) {
            addresses.asMap().compute(address, (k, f) -> next(f, now, limits.perAddress()));
        }
        listener.failed(user, address);
    }

    /** A correct password: its user's failures are forgiven (the address's are not). */
    public void succeeded(String user) {
        String key = userKey(user);
        if (key != null) {
            users.invalidate(key);
        }
    }

    private Failures next(Failures previous, Instant now, int limit) {
        // Quiet means a whole window without failures after the last wait ended: one who retries as soon
        // as the wait is over keeps the count (and the doubling)
        boolean fresh = previous == null || Duration.between(previous.until(), now).compareTo(limits.window()) > 0;
        int count = fresh ? 1 : previous.count() + 1;
        Instant until = now;
        if (count >= limit) {
            int doublings = Math.min(count - limit, 30);
            Duration wait = limits.firstWait().multipliedBy(1L << doublings);
            until = now.plus(wait.compareTo(limits.maxWait()) > 0 ? limits.maxWait() : wait);
        }
        return new Failures(count, now, until);
    }

    private static Duration remaining(Failures f, Instant now) {
        return f == null || !now.isBefore(f.until()) ? Duration.ZERO : Duration.between(now, f.until());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String userKey(String user) {
        return user == null || user.isEmpty() || user.length() > MAX_USER_KEY ? null : user;
    }

    private Cache<String, Failures> cache() {
        return Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                // Outlives both the window and the longest wait, after which a count means nothing
                .expireAfterWrite(limits.window().plus(limits.maxWait()))
                .ticker(() -> clock.millis() * 1_000_000L)
                // Upkeep on the calling thread: it is small, and the throttle then does nothing behind our back
                .executor(Runnable::run)
                .build();
    }

    /** {@code count} failures, the last at {@code last}; attempts wait until {@code until}. */
    private record Failures(int count, Instant last, Instant until) {}
}
