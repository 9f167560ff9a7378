package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TokenScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH transport against the real git and ssh clients, over a fake GitAccess serving real repos. */
class SshGitTransportTest {
    @TempDir
    static Path tmp;
    static Path keys;
    static Path repos;
    static FakeGitAccess git;
    static SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static SshServerLifecycle server;
    static HostKey hostKey;
    static Cli cli;

    @BeforeAll
    static void startServer() throws Exception {
        keys = Files.createDirectories(tmp.resolve("keys"));
        repos = Files.createDirectories(tmp.resolve("repos"));
        cli = new Cli(tmp.resolve("home"), Map.of());
        FakeAuthenticator auth = new FakeAuthenticator();
        for (String[] k : new String[][] {{"alice", "ed25519"}, {"reader", "ed25519"}, {"stranger", "ed25519"},
                {"rsa", "rsa"}, {"ecdsa", "ecdsa"}}) {
            Cli.Result r = cli.run(tmp, List.of("ssh-keygen", "-q", "-t", k[1], "-N", "", "-C", k[0],
                    "-f", keys.resolve(k[0]).toString()));
            assertEquals(0, r.exitCode(), r.toString());
        }
        auth.add(keys.resolve("alice.pub"), new UserPrincipal("alice", false, TokenScope.ADMIN));
        auth.add(keys.resolve("reader.pub"), new UserPrincipal("reader", false, TokenScope.READ));
        auth.add(keys.resolve("rsa.pub"), new UserPrincipal("rosa", false, TokenScope.ADMIN));
        auth.add(keys.resolve("ecdsa.pub"), new DevicePrincipal("acme", "pi-1"));

        Path seed = Files.createDirectories(tmp.resolve("seed"));
        git("init", "-q", "--bare", "-b", "main", repos.resolve("acme/dev.git").toString());
        local(seed, "init", "-q", "-b", "main");
        Files.writeString(seed.resolve("flows.json"), "[]\n");
        local(seed, "add", "flows.json");
        local(seed, "commit", "-q", "-m", "first snapshot");
        local(seed, "push", "-q", repos.resolve("acme/dev.git").toString(), "main");

        git = new FakeGitAccess(repos);
        ServerConfig config = new ConfigLoader(() -> "testhost").load(
                List.of("--data", tmp.resolve("data").toString(), "--ssh-port=random", "--ssh-threads=2"), Map.of());
        hostKey = HostKey.loadOrCreate(config.sshDir());
        server = new SshServerLifecycle(config, hostKey.keyPair(), auth, git, metrics);
        server.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void cloneAndPush() throws Exception {
        Path work = tmp.resolve("clone-push");
        Cli.Result clone = remote(tmp, "alice", "clone", url("/acme/dev.git"), work.toString());
        assertEquals(0, clone.exitCode(), clone.toString());
        assertEquals("[]\n", Files.readString(work.resolve("flows.json")));
        GitRequest upload = git.requests.get(git.requests.size() - 1);
        assertEquals("ssh", upload.transport());
        assertEquals("127.0.0.1", upload.remoteAddress());
        assertEquals("alice", upload.principal().displayName());
        assertEquals("acme/dev", upload.repo().toString());

        Files.writeString(work.resolve("flows.json"), "[{\"id\":\"n1\",\"type\":\"inject\"}]\n");
        local(work, "commit", "-q", "-am", "add inject");
        Cli.Result push = remote(work, "alice", "push", "origin", "HEAD:refs/heads/work");
        assertEquals(0, push.exitCode(), push.toString());
        String pushed = local(work, "rev-parse", "HEAD").stdout().strip();
        try (Repository bare = new FileRepositoryBuilder().setGitDir(repos.resolve("acme/dev.git").toFile()).build()) {
            assertEquals(pushed, bare.exactRef("refs/heads/work").getObjectId().name());
        }
        assertTrue(metrics.counter("flowstage.ssh.git.commands", "service", "receive-pack", "outcome", "ok").count() >= 1);
    }

    @Test
    void pathWithoutLeadingSlashOrDotGitWorks() throws Exception {
        // scp-like syntax sends "git-upload-pack 'acme/dev'"; the port comes from GIT_SSH_COMMAND.
        Cli.Result r = remote(tmp, "alice", "ls-remote", "git@127.0.0.1:acme/dev");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("refs/heads/main"), r.toString());
    }

    @Test
    void protocolVersion2IsForwarded() throws Exception {
        Cli.Result r = remote(tmp, "alice", Map.of("GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=2", "ls-remote", url("/acme/dev.git"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().matches("(?s).*packet: +ls-remote< version 2\\n.*"), r.stderr());
        assertTrue(r.stdout().contains("refs/heads/main"), r.toString());
        assertTrue(git.requests.stream().anyMatch(q -> q.protocolParameters().contains("version=2")), git.requests.toString());
    }

    @Test
    void rsaAndEcdsaKeysSignIn() throws Exception {
        for (String key : List.of("rsa", "ecdsa")) {
            Cli.Result r = remote(tmp, key, "ls-remote", url("/acme/dev.git"));
            assertEquals(0, r.exitCode(), key + ": " + r);
        }
        assertTrue(git.requests.stream().anyMatch(q -> q.principal().equals(new DevicePrincipal("acme", "pi-1"))));
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        Cli.Result r = remote(tmp, "stranger", "ls-remote", url("/acme/dev.git"));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("Permission denied (publickey)"), r.stderr());
    }

    @Test
    void missingAndInvalidRepositoriesAreNotFound() throws Exception {
        for (String path : List.of("/acme/nope.git", "/acme/../acme/dev.git", "/Acme/dev.git", "/acme/dev/extra.git",
                "/etc/passwd")) {
            Cli.Result r = remote(tmp, "alice", "ls-remote", url(path));
            assertEquals(128, r.exitCode(), path + ": " + r);
            assertTrue(r.stderr().contains("fatal: repository not found"), path + ": " + r.stderr());
        }
    }

    @Test
    void readOnlyPrincipalCannotPush() throws Exception {
        Path work = tmp.resolve("reader-clone");
        assertEquals(0, remote(tmp, "reader", "clone", url("/acme/dev.git"), work.toString()).exitCode());
        local(work, "commit", "-q", "--allow-empty", "-m", "nope");
        Cli.Result push = remote(work, "reader", "push", "origin", "HEAD:refs/heads/reader");
        assertNotEquals(0, push.exitCode());
        assertTrue(push.stderr().contains("fatal: you may not push to this repository"), push.stderr());
    }

    @Test
    void shellIsRefused() throws Exception {
        Cli.Result r = ssh("alice", "-T");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("Hi alice! You have authenticated, but Flowstage does not provide shell access."),
                r.stderr());
    }

    @Test
    void serverPresentsTheEd25519HostKey() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + hostKey.publicKeyLine() + "\n");
        List<String> command = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", keys.resolve("alice").toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "HostKeyAlgorithms=ssh-ed25519",
                "-p", Integer.toString(server.port()), "-T", "git@127.0.0.1"));
        Cli.Result r = cli.run(tmp, command);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("does not provide shell access"), r.stderr());
        assertEquals("BouncyCastleEdDSASupport",
                org.apache.sshd.common.util.security.SecurityUtils.getEdDSASupport().orElseThrow().getClass().getSimpleName());
    }

    @Test
    void otherCommandsAreRefused() throws Exception {
        Cli.Result r = ssh("alice", "ls", "-la");
        assertEquals(127, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("fatal: unsupported command"), r.stderr());
        Cli.Result scp = ssh("alice", "scp -t /tmp");
        assertEquals(127, scp.exitCode(), scp.toString());
    }

    @Test
    void sftpAndForwardingAreRefused() throws Exception {
        Cli.Result sftp = ssh("alice", "-s", "sftp");
        assertNotEquals(0, sftp.exitCode(), sftp.toString());
        assertTrue(sftp.stderr().contains("subsystem request failed"), sftp.stderr());

        Cli.Result forward = ssh("alice", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9");
        assertNotEquals(0, forward.exitCode(), forward.toString());
        assertTrue(forward.stderr().contains("remote port forwarding failed"), forward.stderr());
    }

    private static String url(String path) {
        return "ssh://git@127.0.0.1:" + server.port() + path;
    }

    private static List<String> sshCommand(String key) {
        return List.of("ssh", "-F", "/dev/null", "-i", keys.resolve(key).toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-p", Integer.toString(server.port()));
    }

    private static Cli.Result ssh(String key, String... args) throws Exception {
        List<String> command = new ArrayList<>(sshCommand(key));
        List<String> rest = new ArrayList<>(List.of(args));
        int firstCommandWord = 0;
        while (firstCommandWord < rest.size() && rest.get(firstCommandWord).startsWith("-")) {
            firstCommandWord += rest.get(firstCommandWord).equals("-o") || rest.get(firstCommandWord).equals("-R") ? 2 : 1;
        }
        command.addAll(rest.subList(0, Math.min(firstCommandWord, rest.size())));
        command.add("git@127.0.0.1");
        command.addAll(rest.subList(Math.min(firstCommandWord, rest.size()), rest.size()));
        return cli.run(tmp, command);
    }

    private static Cli.Result remote(Path dir, String key, String... args) throws Exception {
        return remote(dir, key, Map.of(), args);
    }

    private static Cli.Result remote(Path dir, String key, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("GIT_SSH_COMMAND", String.join(" ", sshCommand(key)));
        return cli.run(dir, command, all);
    }

    private static void git(String... args) throws Exception {
        local(tmp, args);
    }

    private static Cli.Result local(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Cli.Result r = cli.run(dir, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r);
        return r;
    }
}
