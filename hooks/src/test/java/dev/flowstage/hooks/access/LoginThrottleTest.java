package dev.flowstage.hooks.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.access.CachingAuthenticatorTest.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Limits.DEFAULT, clock);

    @Test
    void tenFailuresOfAUserThenEachWaitDoubles() {
        for (int i = 1; i < 10; i++) {
            throttle.failed("alice", "10.0.0.1");
            assertEquals(Optional.empty(), throttle.waitFor("alice", "10.0.0.1"), "after " + i);
        }
        throttle.failed("alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor("alice", "10.0.0.1"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), throttle.waitFor("alice", "10.0.0.1"));
        throttle.failed("alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.waitFor("alice", "10.0.0.1"));
        clock.advance(Duration.ofSeconds(2));
        throttle.failed("alice", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(4)), throttle.waitFor("alice", "10.0.0.1"));
    }

    @Test
    void aUsersLockoutHoldsFromEveryAddressButOtherUsersAreFree() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor("alice", "192.168.1.9"));
        assertEquals(Optional.empty(), throttle.waitFor("bob", "192.168.1.9"));
        assertEquals(Optional.empty(), throttle.waitFor("bob", "10.0.0.1"));
    }

    @Test
    void fiftyFailuresFromAnAddressLockItForAnyUser() {
        for (int i = 0; i < 50; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor("someone", "10.0.0.1"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor(null, "10.0.0.1"));
        assertEquals(Optional.empty(), throttle.waitFor("someone", "10.0.0.2"));
    }

    @Test
    void theWaitIsCapped() {
        for (int i = 0; i < 40; i++) {
            throttle.failed("alice", null);
        }
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.waitFor("alice", null));
        // The count (and its wait) survives the window while it is still locked
        clock.advance(Duration.ofMinutes(14));
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.waitFor("alice", null));
        // Trying again as soon as the wait is over keeps the count
        clock.advance(Duration.ofMinutes(1));
        throttle.failed("alice", null);
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.waitFor("alice", null));
        // A quiet window after the wait forgets it
        clock.advance(Duration.ofMinutes(20).plusSeconds(1));
        throttle.failed("alice", null);
        assertEquals(Optional.empty(), throttle.waitFor("alice", null));
    }

    @Test
    void aQuietWindowForgetsTheFailures() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        throttle.failed("alice", "10.0.0.1");
        assertEquals(Optional.empty(), throttle.waitFor("alice", "10.0.0.1"));
    }

    @Test
    void aCorrectPasswordForgivesTheUserButNotTheAddress() {
        for (int i = 0; i < 50; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        throttle.succeeded("alice");
        assertEquals(Optional.empty(), throttle.waitFor("alice", "10.0.0.2"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor("alice", "10.0.0.1"));
    }

    @Test
    void absurdUserNamesAreNotKeptButStillCountForTheAddress() {
        String huge = "x".repeat(10_000);
        for (int i = 0; i < 50; i++) {
            throttle.failed(huge, "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.waitFor(huge, "10.0.0.1"));
        assertEquals(Optional.empty(), throttle.waitFor(huge, "10.0.0.2"));
    }
}
