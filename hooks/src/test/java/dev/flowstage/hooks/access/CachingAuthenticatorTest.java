package dev.flowstage.hooks.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.OpenSshKeys;
import dev.flowstage.storage.meta.SshKey;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingAuthenticatorTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    // Cheap Argon2 parameters: the test counts KDF runs, it does not measure them
    private final PasswordHasher hasher = new PasswordHasher(64, 1, 1);
    private final AtomicInteger kdfRuns = new AtomicInteger();
    private GitSiteStore site;
    private CachingAuthenticator auth;

    @BeforeEach
    void setUp() {
        site = new GitSiteStore(dir.resolve("site.git"), clock);
        site.createUser("alice", hasher.hash("correct horse"), false);
        site.createUser("root", hasher.hash("root pw"), true);
        auth = new CachingAuthenticator(site, (pw, phc) -> {
            kdfRuns.incrementAndGet();
            return hasher.verify(pw, phc);
        }, hasher.unmatchableHash(), clock);
    }

    @Test
    void passwordGivesAnAdminScopedPrincipal() {
        assertEquals(Optional.of(new UserPrincipal("alice", false, TokenScope.ADMIN)), auth.basic("alice", "correct horse"));
        assertEquals(Optional.of(new UserPrincipal("root", true, TokenScope.ADMIN)), auth.basic("root", "root pw"));
    }

    @Test
    void wrongPasswordOrUnknownUserIsEmptyAndNotCached() {
        assertEquals(Optional.empty(), auth.basic("alice", "wrong"));
        assertEquals(Optional.empty(), auth.basic("alice", "wrong"));
        assertEquals(2, kdfRuns.get());
        assertEquals(Optional.empty(), auth.basic("alice", ""));
        assertEquals(2, kdfRuns.get());
    }

    @Test
    void anUnknownUserCostsTheSameHashWorkAsAWrongPassword() {
        assertEquals(Optional.empty(), auth.basic("alice", "wrong"));
        assertEquals(1, kdfRuns.get());
        assertEquals(Optional.empty(), auth.basic("nobody", "correct horse"));
        assertEquals(2, kdfRuns.get());
        assertEquals(Optional.empty(), auth.basic("../alice", "correct horse"));
        assertEquals(3, kdfRuns.get());
        // ... and with the same Argon2 parameters as a real hash, against which no password matches
        String unmatchable = hasher.unmatchableHash();
        assertEquals(hasher.hash("x").substring(0, hasher.hash("x").indexOf("$", 20)),
                unmatchable.substring(0, unmatchable.indexOf("$", 20)));
        assertTrue(!hasher.verify("", unmatchable) && !hasher.needsRehash(unmatchable));
    }

    @Test
    void aCachedPasswordDoesNotRunTheKdfAgainUntilTheTtlEnds() {
        auth.basic("alice", "correct horse");
        auth.basic("alice", "correct horse");
        auth.basic("alice", "correct horse");
        assertEquals(1, kdfRuns.get());
        clock.advance(CachingAuthenticator.TTL.plusSeconds(1));
        assertTrue(auth.basic("alice", "correct horse").isPresent());
        assertEquals(2, kdfRuns.get());
    }

    @Test
    void aPasswordChangeTakesEffectAtOnce() {
        assertTrue(auth.basic("alice", "correct horse").isPresent());
        site.updateUser("alice", u -> new User(u.name(), hasher.hash("new pw"), u.admin(),
                u.createdAt(), u.keys(), u.tokens()));
        assertEquals(Optional.empty(), auth.basic("alice", "correct horse"));
        assertTrue(auth.basic("alice", "new pw").isPresent());
    }

    @Test
    void personalTokenGivesItsScopeAndMustBelongToTheUser() {
        String token = addToken("alice", "ci", TokenScope.READ, null);
        UserPrincipal expected = new UserPrincipal("alice", false, TokenScope.READ);
        assertEquals(Optional.of(expected), auth.basic("alice", token));
        assertEquals(Optional.of(expected), auth.bearer(token));
        assertEquals(Optional.empty(), auth.basic("root", token));
        assertEquals(Optional.empty(), auth.basic("alice", Tokens.newPersonalToken()));
        assertEquals(0, kdfRuns.get());
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = addToken("alice", "short", TokenScope.WRITE, clock.instant().plus(Duration.ofMinutes(5)));
        assertTrue(auth.bearer(token).isPresent());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Optional.empty(), auth.bearer(token));
        assertEquals(Optional.empty(), auth.basic("alice", token));
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceWithoutInvalidatingTheCache() {
        String token = addToken("alice", "laptop", TokenScope.WRITE, null);
        assertTrue(auth.basic("alice", token).isPresent());
        assertTrue(site.revokeToken("alice", "laptop"));
        assertEquals(Optional.empty(), auth.basic("alice", token));
        assertEquals(Optional.empty(), auth.bearer(token));
    }

    @Test
    void deviceTokenSignsInUnderTheDeviceName() {
        String token = Tokens.newDeviceToken();
        site.putDevice(new DeviceCredentials("acme", "pi-1", Tokens.hash(token), List.of()));
        DevicePrincipal pi = new DevicePrincipal("acme", "pi-1");
        assertEquals(Optional.of(pi), auth.basic("pi-1", token));
        assertEquals(Optional.of(pi), auth.bearer(token));
        assertEquals(Optional.empty(), auth.basic("pi-2", token));
        site.removeDevice("acme", "pi-1");
        assertEquals(Optional.empty(), auth.bearer(token));
    }

    @Test
    void bearerAcceptsOnlyTokens() {
        assertEquals(Optional.empty(), auth.bearer("correct horse"));
        assertEquals(Optional.empty(), auth.bearer(null));
    }

    @Test
    void publicKeyFindsItsOwnerAndRemovalTakesEffectAtOnce() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(OpenSshKeys.blob(key)) + " alice@laptop";
        String fingerprint = OpenSshKeys.fingerprint(key);
        site.addKey("alice", new SshKey("laptop", fingerprint, line, clock.instant()));
        assertEquals(Optional.of(new UserPrincipal("alice", false, TokenScope.ADMIN)), auth.publicKey(key));
        assertTrue(site.removeKey("alice", "laptop"));
        assertEquals(Optional.empty(), auth.publicKey(key));
    }

    @Test
    void aDeviceKeyGivesTheDevice() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
        String line = "ssh-rsa " + Base64.getEncoder().encodeToString(OpenSshKeys.blob(key));
        SshKey sshKey = new SshKey("pi", OpenSshKeys.fingerprint(key), line, clock.instant());
        site.putDevice(new DeviceCredentials("acme", "pi-1", Tokens.hash(Tokens.newDeviceToken()), List.of(sshKey)));
        assertEquals(Optional.of(new DevicePrincipal("acme", "pi-1")), auth.publicKey(key));
    }

    @Test
    void anUnknownKeyIsEmpty() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertEquals(Optional.empty(), auth.publicKey(key));
    }

    private String addToken(String user, String name, TokenScope scope, Instant expires) {
        String token = Tokens.newPersonalToken();
        site.addToken(user, new AccessToken(name, Tokens.hash(token), scope, clock.instant(), expires));
        return token;
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
