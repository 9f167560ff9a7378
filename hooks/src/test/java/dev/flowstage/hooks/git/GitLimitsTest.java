package dev.flowstage.hooks.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GitLimitsTest {
    @Test
    void defaultsFollowTheSpec() {
        assertEquals(64L * 1024 * 1024, GitLimits.DEFAULTS.maxPushBytes());
        assertEquals(32L * 1024 * 1024, GitLimits.DEFAULTS.maxFileBytes());
        assertEquals(300, GitLimits.DEFAULTS.timeoutSeconds());
    }

    @Test
    void unreasonableLimitsAreRefusedWithAMessage() {
        assertEquals("Git size limits must be positive",
                assertThrows(IllegalArgumentException.class, () -> new GitLimits(0, 1, Duration.ofSeconds(1))).getMessage());
        assertEquals("Git timeout must be between 1 second and 2147483647 seconds",
                assertThrows(IllegalArgumentException.class, () -> new GitLimits(1, 1, Duration.ZERO)).getMessage());
    }

    @Test
    void subSecondTimeoutsRoundUpToOneSecond() {
        assertEquals(1, new GitLimits(1, 1, Duration.ofMillis(10)).timeoutSeconds());
    }
}
