package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.OpenSshKeys;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.SshKey;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.PasswordHasher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH transport against the real git and ssh clients, over the real stores, authenticator, access
 * control and {@link DefaultGitAccess}: team acme with member alice, viewer vic and member rosa (RSA key),
 * device pi-1 (ECDSA key); stranger's key is registered to nobody.
 */
class SshGitTransportTest {
    @TempDir
    static Path tmp;
    static Path keys;
    static LocalRepoStore repos;
    static RecordingGitAccess git;
    static SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static SshServerLifecycle server;
    static HostKey hostKey;
    static Cli cli;

    @BeforeAll
    static void startServer() throws Exception {
        keys = Files.createDirectories(tmp.resolve("keys"));
        cli = new Cli(tmp.resolve("home"), Map.of());
        for (String[] k : new String[][] {{"alice", "ed25519"}, {"vic", "ed25519"}, {"stranger", "ed25519"},
                {"rsa", "rsa"}, {"ecdsa", "ecdsa"}}) {
            Cli.Result r = cli.run(tmp, List.of("ssh-keygen", "-q", "-t", k[1], "-N", "", "-C", k[0],
                    "-f", keys.resolve(k[0]).toString()));
            assertEquals(0, r.exitCode(), r.toString());
        }
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(tmp.resolve("data/repos"), new GcQueue(1000, Duration.ofHours(1)));
        GitSiteStore site = new GitSiteStore(tmp.resolve("data/site.git"), clock);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        for (String user : List.of("alice", "vic", "rosa")) {
            site.createUser(user, "$argon2id$unused", false);
        }
        site.addKey("alice", key("alice"));
        site.addKey("vic", key("vic"));
        site.addKey("rosa", key("rsa"));
        teams.create("acme", "alice");
        teams.edit("acme", "alice", "set up", c -> c
                .withMember("vic", Role.VIEWER)
                .withMember("rosa", Role.MEMBER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "app", false, null, null, null, null, Instant.EPOCH))
                .withTarget("pi-1", new Target(TargetKind.DEVICE, "pi-1", "app", false, null, null, null, null, Instant.EPOCH)));
        site.putDevice(new DeviceCredentials("acme", "pi-1", null, List.of(key("ecdsa"))));
        repos.create(new RepoName("acme", "dev")).close();
        repos.create(new RepoName("acme", "pi-1")).close();

        Path seed = Files.createDirectories(tmp.resolve("seed"));
        local(seed, "init", "-q", "-b", "main");
        Files.writeString(seed.resolve("flows.json"), "[]\n");
        local(seed, "add", "flows.json");
        local(seed, "commit", "-q", "-m", "first snapshot");
        local(seed, "push", "-q", tmp.resolve("data/repos/acme/dev.git").toString(), "main");
        local(seed, "push", "-q", tmp.resolve("data/repos/acme/pi-1.git").toString(), "main");

        TeamAccessControl access = new TeamAccessControl(teams);
        git = new RecordingGitAccess(new DefaultGitAccess(repos, teams, access, GitLimits.DEFAULTS, metrics));
        ServerConfig config = new ConfigLoader(() -> "testhost").load(
                List.of("--data", tmp.resolve("data").toString(), "--ssh-port=random", "--ssh-threads=2"), Map.of());
        hostKey = HostKey.loadOrCreate(config.sshDir());
        server = new SshServerLifecycle(config, hostKey.keyPair(),
                new CachingAuthenticator(site, new PasswordHasher(64, 1, 1), clock),
                new LoginThrottle(LoginThrottle.Limits.DEFAULT, clock), git, metrics);
        server.start();
    }

    private static SshKey key(String name) throws Exception {
        OpenSshKeys.ParsedKey parsed = OpenSshKeys.parse(Files.readString(keys.resolve(name + ".pub")));
        return new SshKey(name, parsed.fingerprint(), parsed.line(), Instant.EPOCH);
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
        try (Repository bare = repos.open(new RepoName("acme", "dev"))) {
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
        Cli.Result rsa = remote(tmp, "rsa", "ls-remote", url("/acme/dev.git"));
        assertEquals(0, rsa.exitCode(), rsa.toString());
        Cli.Result ecdsa = remote(tmp, "ecdsa", "ls-remote", url("/acme/pi-1.git"));
        assertEquals(0, ecdsa.exitCode(), ecdsa.toString());
        assertTrue(git.requests.stream().anyMatch(q -> q.principal().equals(new DevicePrincipal("acme", "pi-1"))));
        // The device's key reaches its own repository only
        Cli.Result other = remote(tmp, "ecdsa", "ls-remote", url("/acme/dev.git"));
        assertTrue(other.stderr().contains("fatal: repository not found"), other.toString());
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
    void viewerCannotPush() throws Exception {
        // TeamAccessControl decides: vic is a viewer of acme
        Path work = tmp.resolve("viewer-clone");
        assertEquals(0, remote(tmp, "vic", "clone", url("/acme/dev.git"), work.toString()).exitCode());
        local(work, "commit", "-q", "--allow-empty", "-m", "nope");
        Cli.Result push = remote(work, "vic", "push", "origin", "HEAD:refs/heads/viewer");
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

    private static Cli.Result local(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Cli.Result r = cli.run(dir, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ": " + r);
        return r;
    }
}
