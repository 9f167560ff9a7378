package dev.flowstage.hooks.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.CachingAuthenticatorTest.MutableClock;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottledAuthenticatorTest {
    private static final String HOME = "10.0.0.1";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final PasswordHasher hasher = new PasswordHasher(64, 1, 1);
    private final AtomicInteger kdfRuns = new AtomicInteger();
    private final CountingClock throttleClock = new CountingClock(clock);
    private GitSiteStore site;
    private ThrottledAuthenticator auth;
    private String token;

    @BeforeEach
    void setUp() {
        site = new GitSiteStore(dir.resolve("site.git"), clock);
        site.createUser("alice", hasher.hash("correct horse"), false);
        token = Tokens.newPersonalToken();
        site.addToken("alice", new AccessToken("t", Tokens.hash(token), TokenScope.WRITE, clock.instant(), null));
        CachingAuthenticator caching = new CachingAuthenticator(site, (pw, phc) -> {
            kdfRuns.incrementAndGet();
            return hasher.verify(pw, phc);
        }, hasher.unmatchableHash(), clock);
        auth = new ThrottledAuthenticator(caching, new LoginThrottle(LoginThrottle.Limits.DEFAULT, throttleClock));
    }

    @Test
    void tenWrongPasswordsThenThrottledWithoutRunningTheHash() {
        for (int i = 0; i < 10; i++) {
            assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Basic("alice", "wrong" + i), HOME));
        }
        assertEquals(10, kdfRuns.get());
        LoginResult r = auth.login(new Credentials.Basic("alice", "correct horse"), "192.0.2.7");
        assertEquals(new LoginResult.Throttled(Duration.ofSeconds(1)), r);
        assertEquals("too many failed sign-in attempts: try again in 1 second", ((LoginResult.Throttled) r).message());
        assertEquals(10, kdfRuns.get());
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(LoginResult.Success.class, auth.login(new Credentials.Basic("alice", "correct horse"), HOME));
        // ... which forgives alice's failures
        assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Basic("alice", "wrong again"), HOME));
    }

    @Test
    void unknownUsersAreThrottledLikeKnownOnes() {
        for (int i = 0; i < 10; i++) {
            assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Basic("nobody", "pw"), HOME));
        }
        assertEquals(10, kdfRuns.get());
        assertInstanceOf(LoginResult.Throttled.class, auth.login(new Credentials.Basic("nobody", "pw"), HOME));
    }

    @Test
    void aRightTokenDoesNoThrottleWorkEvenFromAThrottledAddress() {
        for (int i = 0; i < 50; i++) {
            auth.login(new Credentials.Basic("user" + i, "pw"), HOME);
        }
        assertInstanceOf(LoginResult.Throttled.class, auth.login(new Credentials.Basic("alice", "correct horse"), HOME));
        int reads = throttleClock.reads.get();
        for (int i = 0; i < 100; i++) {
            assertInstanceOf(LoginResult.Success.class, auth.login(new Credentials.Bearer(token), HOME));
            assertInstanceOf(LoginResult.Success.class, auth.login(new Credentials.Basic("alice", token), HOME));
        }
        assertEquals(reads, throttleClock.reads.get(), "the throttle was consulted on the success path");
    }

    @Test
    void wrongTokensCountAgainstTheAddress() {
        for (int i = 0; i < 49; i++) {
            assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Bearer("fsp_wrong" + i), HOME));
        }
        assertEquals(new LoginResult.Throttled(Duration.ofSeconds(1)), auth.login(new Credentials.Bearer("fsp_wrong"), HOME));
        assertEquals(0, kdfRuns.get());
        assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Bearer("fsp_wrong"), "10.0.0.2"));
    }

    @Test
    void malformedOrMissingCredentialsAreNotCounted() {
        for (int i = 0; i < 100; i++) {
            assertEquals(LoginResult.FAILURE, auth.login(new Credentials.Malformed("x"), HOME));
            assertEquals(LoginResult.FAILURE, auth.login(Credentials.NONE, HOME));
        }
        assertEquals(0, throttleClock.reads.get());
        // The seam sees throttle work: a password sign-in consults the throttle first
        assertInstanceOf(LoginResult.Success.class, auth.login(new Credentials.Basic("alice", "correct horse"), HOME));
        assertTrue(throttleClock.reads.get() > 0);
    }

    /** Counts how often the throttle looks at the time (every cache access and every decision does). */
    private static final class CountingClock extends Clock {
        final AtomicInteger reads = new AtomicInteger();
        private final Clock clock;

        CountingClock(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Instant instant() {
            reads.incrementAndGet();
            return clock.instant();
        }

        @Override
        public long millis() {
            reads.incrementAndGet();
            return clock.millis();
        }

        @Override
        public ZoneId getZone() {
            return clock.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
