package dev.flowstage.web.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebSessionsTest {
    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-02T09:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    private final WebSessions sessions = new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8));

    @Test
    void aSessionLivesWhileUsedAndEndsAfterTheIdleTimeout() {
        WebSessions.Created c = sessions.create("alice", "$argon2id$hash");
        assertThat(c.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(c.session().csrfToken()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(c.id());
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(sessions.touch(c.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(29)); // 29 min after the last use
        assertThat(sessions.alive(c.id())).isTrue();
        assertThat(sessions.touch(c.id())).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        assertThat(sessions.alive(c.id())).isFalse();
        assertThat(sessions.touch(c.id())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void evenAnActiveSessionEndsAtItsMaximumLifetime() {
        WebSessions.Created c = sessions.create("alice", "h");
        for (int i = 0; i < 16; i++) { // 16 × 29 min = 7 h 44 min of steady use
            clock.now = clock.now.plus(Duration.ofMinutes(29));
            assertThat(sessions.touch(c.id())).isPresent();
        }
        assertThat(sessions.expiresAt(sessions.touch(c.id()).orElseThrow()))
                .isEqualTo(c.session().created().plus(Duration.ofHours(8)));
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(sessions.touch(c.id())).isEmpty();
    }

    @Test
    void aliveDoesNotCountAsActivity() {
        WebSessions.Created c = sessions.create("alice", "h");
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.alive(c.id())).isTrue();
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        assertThat(sessions.alive(c.id())).isFalse();
    }

    @Test
    void signOutEndsOneSessionAndEndAllEveryOneOfAUser() {
        WebSessions.Created a1 = sessions.create("alice", "h");
        WebSessions.Created a2 = sessions.create("alice", "h");
        WebSessions.Created b = sessions.create("bob", "h");
        sessions.end(a1.id());
        assertThat(sessions.touch(a1.id())).isEmpty();
        assertThat(sessions.touch(a2.id())).isPresent();
        sessions.endAll("alice");
        assertThat(sessions.touch(a2.id())).isEmpty();
        assertThat(sessions.touch(b.id())).isPresent();
    }

    @Test
    void unknownOrAbsurdCookieValuesAreNoSession() {
        sessions.create("alice", "h");
        assertThat(sessions.touch(null)).isEmpty();
        assertThat(sessions.touch("")).isEmpty();
        assertThat(sessions.touch("x".repeat(5000))).isEmpty();
        assertThat(sessions.touch("not-a-session")).isEmpty();
    }

    @Test
    void aSessionRemembersOnlyAFingerprintOfThePasswordHashItWasOpenedWith() {
        WebSession s = sessions.create("alice", "$argon2id$v=19$old").session();
        assertThat(s.openedWith("$argon2id$v=19$old")).isTrue();
        assertThat(s.openedWith("$argon2id$v=19$new")).isFalse();
        assertThat(s.passwordFingerprint()).doesNotContain("argon2");
    }

    @Test
    void aUserHoldsAtMostFiftySessionsTheOldestGoFirst() {
        WebSessions.Created first = sessions.create("alice", "h");
        for (int i = 0; i < WebSessions.MAX_PER_USER; i++) {
            clock.now = clock.now.plusSeconds(1);
            sessions.create("alice", "h");
        }
        assertThat(sessions.size()).isEqualTo(WebSessions.MAX_PER_USER);
        assertThat(sessions.touch(first.id())).isEmpty();
    }

    @Test
    void persistentSessionsSurviveARestartWithoutTheirIdsAndExpiredOnesDoNot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("sessions.json");
        WebSessions before = new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), file);
        WebSessions.Created kept = before.create("alice", "h");
        WebSessions.Created old = before.create("bob", "h");
        clock.now = clock.now.plus(Duration.ofMinutes(20));
        before.touch(kept.id());
        before.flush();
        String saved = java.nio.file.Files.readString(file);
        assertThat(saved).doesNotContain(kept.id()).doesNotContain(old.id()).contains("alice");
        clock.now = clock.now.plus(Duration.ofMinutes(15)); // bob idle 35 min, alice 15 min
        WebSessions after = new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), file);
        assertThat(after.touch(kept.id())).hasValueSatisfying(s ->
                assertThat(s.csrfToken()).isEqualTo(kept.session().csrfToken()));
        assertThat(after.touch(old.id())).isEmpty();
        after.end(kept.id());
        assertThat(new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), file).touch(kept.id())).isEmpty();
    }

    @Test
    void anUnreadableSessionsFileMeansEveryoneSignsInAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("sessions.json");
        java.nio.file.Files.writeString(file, "{not json");
        WebSessions s = new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), file);
        assertThat(s.size()).isZero();
        WebSessions.Created c = s.create("alice", "h");
        assertThat(new WebSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), file).touch(c.id())).isPresent();
    }
}
