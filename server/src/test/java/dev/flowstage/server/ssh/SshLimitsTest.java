package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH transport's limits: a bounded Git executor and the authentication timeout. */
class SshLimitsTest {
    @TempDir
    Path tmp;
    private final CountDownLatch release = new CountDownLatch(1);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private SshServerLifecycle server;
    private Cli cli;
    private Path key;
    private FakeAuthenticator auth;
    private GitAccess slow;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("home"), Map.of());
        key = tmp.resolve("id");
        assertEquals(0, cli.run(tmp, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()))
                .exitCode());
        auth = new FakeAuthenticator();
        auth.add(tmp.resolve("id.pub"), new UserPrincipal("alice", false, TokenScope.ADMIN));
        Path repos = Files.createDirectories(tmp.resolve("repos"));
        assertEquals(0, cli.run(tmp, List.of("git", "init", "-q", "--bare", repos.resolve("acme/slow.git").toString()))
                .exitCode());
        FakeGitAccess fake = new FakeGitAccess(repos);
        slow = new GitAccess() {
            @Override
            public Repository open(Principal principal, RepoName repo) throws IOException {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return fake.open(principal, repo);
            }

            @Override
            public UploadPack uploadPack(GitRequest request, Repository repository) {
                return fake.uploadPack(request, repository);
            }

            @Override
            public ReceivePack receivePack(GitRequest request, Repository repository)
                    throws ServiceNotAuthorizedException {
                return fake.receivePack(request, repository);
            }
        };
    }

    private void start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--data", tmp.resolve("data").toString(), "--ssh-port=random"));
        all.addAll(List.of(args));
        ServerConfig config = new ConfigLoader(() -> "h").load(all, Map.of());
        server = new SshServerLifecycle(config, HostKey.loadOrCreate(config.sshDir()).keyPair(), auth,
                new LoginThrottle(LoginThrottle.Limits.DEFAULT, Clock.systemUTC()), slow, metrics);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void commandsBeyondThreadsAndQueueAreTurnedAway() throws Exception {
        start("--ssh-threads=1");
        List<Process> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // one running, four queued (queue = 4 x ssh-threads)
            waiting.add(lsRemote().start());
        }
        Gauge queued = metrics.get("flowstage.ssh.git.queued").gauge();
        for (int i = 0; i < 600 && queued.value() < 4; i++) {
            Thread.sleep(50);
            for (Process p : waiting) {
                if (!p.isAlive()) {
                    throw new AssertionError("a waiting git ended early with " + p.exitValue() + ": "
                            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(4.0, queued.value());

        Process busy = lsRemote().start();
        String err = new String(busy.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(busy.waitFor(60, TimeUnit.SECONDS));
        assertEquals(128, busy.exitValue(), err);
        assertTrue(err.contains("fatal: the server is busy; try again in a moment"), err);

        release.countDown();
        for (Process p : waiting) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aClientThatNeverAuthenticatesIsDisconnected() throws Exception {
        start("--ssh-auth-timeout-seconds=1");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            assertEquals("SSH-2.0-Flowstage", in.readLine(), "the identification hides the SSHD version");
            // Say nothing more: the server must close the connection after the 1 s auth timeout.
            while (in.read() >= 0) {
                // drain until the server closes
            }
        }
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = new ConfigLoader(() -> "h").load(List.of("--data", tmp.resolve("data").toString(),
                    "--ssh-port=" + taken.getLocalPort()), Map.of());
            SshServerLifecycle second = new SshServerLifecycle(config, HostKey.loadOrCreate(config.sshDir()).keyPair(),
                    new FakeAuthenticator(), new LoginThrottle(LoginThrottle.Limits.DEFAULT, Clock.systemUTC()),
                    new FakeGitAccess(tmp), null);
            try {
                IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, second::start);
                assertTrue(e instanceof dev.flowstage.server.config.ListenException, e.toString());
                assertTrue(e.getMessage().startsWith("port " + taken.getLocalPort() + " is already in use (--ssh-port); "),
                        e.getMessage());
            } finally {
                second.close();
            }
        }
    }

    private ProcessBuilder lsRemote() {
        ProcessBuilder pb = new ProcessBuilder("git", "ls-remote", "ssh://git@127.0.0.1:" + server.port() + "/acme/slow.git");
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("GIT_SSH_COMMAND", "ssh -F /dev/null -i " + key + " -o IdentitiesOnly=yes -o BatchMode=yes"
                + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb;
    }
}
