package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TokenScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which principal an SSH session ends up with (driven by MINA's own client, to control what it offers and
 * signs), and how failed sign-ins from an address are throttled (driven by OpenSSH's client).
 */
class SshAuthenticationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final UserPrincipal ALICE = new UserPrincipal("alice", false, TokenScope.ADMIN);
    private static final UserPrincipal BOB = new UserPrincipal("bob", false, TokenScope.ADMIN);

    @TempDir
    Path tmp;
    private SshServerLifecycle server;
    private SshClient client;
    private KeyPair alice;
    private KeyPair bob;
    private KeyPair stranger;
    private Cli cli;
    // Three failed sessions from an address and it waits a minute: small numbers for a quick test
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Limits(10, 3, Duration.ofMinutes(5),
            Duration.ofMinutes(1), Duration.ofMinutes(15)), Clock.systemUTC());

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("home"), Map.of());
        FakeAuthenticator auth = new FakeAuthenticator();
        for (String name : List.of("alice", "bob", "stranger")) {
            assertEquals(0, cli.run(tmp, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    tmp.resolve(name).toString())).exitCode());
        }
        auth.add(tmp.resolve("alice.pub"), ALICE);
        auth.add(tmp.resolve("bob.pub"), BOB);
        alice = load("alice");
        bob = load("bob");
        stranger = load("stranger");
        ServerConfig config = new ConfigLoader(() -> "h").load(
                List.of("--data", tmp.resolve("data").toString(), "--ssh-port=random"), Map.of());
        server = new SshServerLifecycle(config, HostKey.loadOrCreate(config.sshDir()).keyPair(), auth, throttle,
                new FakeGitAccess(Files.createDirectories(tmp.resolve("repos"))), new SimpleMeterRegistry());
        server.start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.stop();
        server.close();
    }

    @Test
    void aKeyOfferedButNotProvenLeavesNoPrincipal() throws Exception {
        try (ClientSession session = connect()) {
            // alice's public key (anyone may know it) with a signature by another key: offered, accepted, not proven
            session.addPublicKeyIdentity(new KeyPair(alice.getPublic(), stranger.getPrivate()));
            assertThrows(Exception.class, () -> session.auth().verify(WAIT));
            assertEquals(List.of(Optional.empty()), server.sessionPrincipals());
        }
    }

    @Test
    void theKeyThatSignsDecidesThePrincipal() throws Exception {
        try (ClientSession session = connect()) {
            session.addPublicKeyIdentity(new KeyPair(alice.getPublic(), stranger.getPrivate()));
            session.addPublicKeyIdentity(bob);
            session.auth().verify(WAIT);
            assertEquals(List.of(Optional.<Principal>of(BOB)), server.sessionPrincipals());
        }
    }

    @Test
    void aProvenKeyGivesItsPrincipal() throws Exception {
        try (ClientSession session = connect()) {
            session.addPublicKeyIdentity(alice);
            session.auth().verify(WAIT);
            assertEquals(List.of(Optional.<Principal>of(ALICE)), server.sessionPrincipals());
        }
    }

    @Test
    void failedSessionsFromAnAddressAreThrottledButKnownKeysStillSignIn() throws Exception {
        for (int i = 1; i <= 3; i++) {
            Cli.Result r = ssh("stranger");
            assertTrue(r.stderr().contains("Permission denied (publickey)"), r.toString());
            int failures = i;
            // The server counts a failed session when it has closed, just after the client has gone
            waitUntil(() -> failures < 3 || throttle.waitFor(null, "127.0.0.1").isPresent());
        }
        long closedBefore = server.sessionsClosed();
        Cli.Result refused = ssh("stranger");
        assertEquals(255, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("flowstage: too many failed sign-in attempts: try again in 60 seconds"),
                refused.toString());
        // A refused session is not counted again (which would double the wait): once its close is handled
        waitUntil(() -> server.sessionsClosed() > closedBefore);
        assertTrue(throttle.waitFor(null, "127.0.0.1").orElseThrow().compareTo(Duration.ofMinutes(1)) <= 0);
        Cli.Result alice = ssh("alice");
        assertTrue(alice.stderr().contains("Hi alice! You have authenticated"), alice.toString());
    }

    @Test
    void aSessionThatSignsInIsNoFailure() throws Exception {
        long closedBefore = server.sessionsClosed();
        for (int i = 0; i < 5; i++) {
            assertTrue(ssh("alice").stderr().contains("Hi alice!"));
        }
        waitUntil(() -> server.sessionsClosed() >= closedBefore + 5);
        assertEquals(Optional.empty(), throttle.waitFor(null, "127.0.0.1"));
    }

    private Cli.Result ssh(String key) throws Exception {
        return cli.run(tmp, List.of("ssh", "-F", "/dev/null", "-i", tmp.resolve(key).toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-p", Integer.toString(server.port()), "-T", "git@127.0.0.1"));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }

    private ClientSession connect() throws Exception {
        ClientSession session = client.connect("git", "127.0.0.1", server.port()).verify(WAIT).getSession();
        assertTrue(session.isOpen());
        return session;
    }

    private KeyPair load(String name) throws Exception {
        return new FileKeyPairProvider(tmp.resolve(name)).loadKeys(null).iterator().next();
    }
}
