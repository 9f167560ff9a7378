package dev.flowstage.web.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smart HTTP with the real git client against a Jetty server over real stores. */
class GitOverHttpTest {
    private static final String ALICE_PW = "alice-secret-pw";
    private static final long MAX_FILE = 1 << 20;

    @TempDir
    static Path tmp;
    private static Server server;
    private static GitCli git;
    private static SimpleMeterRegistry metrics;
    private static LocalRepoStore repos;
    private static String base;
    private static String aliceToken;
    private static String vicToken;
    private static String malloryToken;
    private static String deviceToken;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.systemUTC();
        Path data = tmp.resolve("data");
        repos = new LocalRepoStore(data.resolve("repos"), new GcQueue(1000, Duration.ofHours(1)));
        GitSiteStore site = new GitSiteStore(data.resolve("site.git"), clock);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        site.createUser("alice", hasher.hash(ALICE_PW), false);
        site.createUser("vic", hasher.hash(Tokens.randomPassword()), false);
        site.createUser("mallory", hasher.hash(Tokens.randomPassword()), false);
        aliceToken = token(site, "alice");
        vicToken = token(site, "vic");
        malloryToken = token(site, "mallory");
        deviceToken = Tokens.newDeviceToken();
        site.putDevice(new DeviceCredentials("acme", "pi-1", Tokens.hash(deviceToken), List.of()));

        teams.create("acme", "alice");
        teams.edit("acme", "alice", "set up", c -> c
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", target(TargetKind.INSTANCE, "dev", false))
                .withTarget("prod", target(TargetKind.INSTANCE, "prod", true))
                .withTarget("pi-1", target(TargetKind.DEVICE, "pi-1", false)));
        for (String name : List.of("dev", "prod", "pi-1", "orphan")) {
            repos.create(new RepoName("acme", name)).close();
        }
        seed(new RepoName("acme", "prod"), "refs/heads/main");
        seed(new RepoName("acme", "pi-1"), "refs/heads/main", "refs/heads/feature", "refs/heads/device");

        metrics = new SimpleMeterRegistry();
        DefaultGitAccess access = new DefaultGitAccess(repos, teams, new TeamAccessControl(teams),
                new GitLimits(64L << 20, MAX_FILE, Duration.ofMinutes(1)), metrics);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new GitAuthFilter(new CachingAuthenticator(site, hasher, clock))),
                "/git/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FlowstageGitServlet(access)), "/git/*");
        server.setHandler(context);
        server.start();
        base = "127.0.0.1:" + connector.getLocalPort() + "/git/";
        git = new GitCli(tmp.resolve("home"));

        // dev starts with one commit pushed by its owner over HTTP
        Path work = Files.createDirectories(tmp.resolve("seed"));
        assertOk(git.run(work, "init", "-q"));
        Files.writeString(work.resolve("flows.json"), "[]\n");
        assertOk(git.run(work, "add", "flows.json"));
        assertOk(git.run(work, "commit", "-q", "-m", "first snapshot"));
        assertOk(git.run(work, "push", url("alice", ALICE_PW, "acme/dev"), "main"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void anonymousRequestsAreChallenged() throws Exception {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + base + "acme/dev.git/info/refs?service=git-upload-pack")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, rsp.statusCode());
        assertEquals("Basic realm=\"flowstage\"", rsp.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals("flowstage: authentication required\n", rsp.body());

        for (String header : List.of("Basic !!not-base64", "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)),
                "Bearer not-a-token", "Digest x")) {
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://" + base + "acme/dev.git/info/refs?service=git-upload-pack"))
                    .header("Authorization", header).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, bad.statusCode(), header);
            assertTrue(bad.body().startsWith(header.startsWith("Bearer") ? "flowstage: invalid credentials\n"
                    : "flowstage: invalid Authorization header: "), header + ": " + bad.body());
        }

        GitCli.Result anonymous = git.run(tmp, "ls-remote", "http://" + base + "acme/dev.git");
        assertFalse(anonymous.ok(), anonymous.output());
    }

    @Test
    void bearerTokensAreAcceptedAndDumbHttpIsOff() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> smart = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + base + "acme/pi-1.git/info/refs?service=git-upload-pack"))
                .header("Authorization", "Bearer " + deviceToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, smart.statusCode());
        assertTrue(smart.body().contains("refs/heads/main"), smart.body());

        // The dumb protocol would hand out files past ref visibility, so it is not served
        for (String path : List.of("acme/pi-1.git/info/refs", "acme/pi-1.git/HEAD", "acme/pi-1.git/objects/info/packs")) {
            HttpResponse<String> dumb = http.send(HttpRequest.newBuilder(URI.create("http://" + base + path))
                    .header("Authorization", "Bearer " + deviceToken).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(dumb.statusCode() >= 400, path + " answered " + dumb.statusCode());
            assertFalse(dumb.body().contains("refs/heads/feature"), dumb.body());
        }
    }

    @Test
    void wrongCredentialsAreRefused() throws Exception {
        GitCli.Result r = git.run(tmp, "ls-remote", url("alice", "not-the-password", "acme/dev"));
        assertFalse(r.ok());
        assertTrue(r.output().contains("Authentication failed"), r.output());
        // git prints the 401's text/plain body before its own line: the same words as the API
        assertTrue(r.output().contains("remote: flowstage: invalid credentials"), r.output());
        assertFalse(r.output().contains("authentication required"), r.output());
        assertFalse(r.output().contains("not-the-password@"), "git must not echo the secret: " + r.output());
    }

    @Test
    void aMemberClonesPushesAndFetchesOverBothProtocolVersions() throws Exception {
        Path clone = tmp.resolve("member-clone");
        assertOk(git.run(tmp, "-c", "protocol.version=2", "clone", "-q", url("alice", aliceToken, "acme/dev"), clone.toString()));
        assertTrue(Files.exists(clone.resolve("flows.json")));
        Files.writeString(clone.resolve("README.md"), "hello\n");
        assertOk(git.run(clone, "add", "README.md"));
        assertOk(git.run(clone, "commit", "-q", "-m", "readme"));
        assertOk(git.run(clone, "push", "-q", "origin", "main:refs/heads/work"));
        assertOk(git.run(clone, "push", "-q", "origin", "main"));

        Path other = tmp.resolve("member-clone-v0");
        assertOk(git.run(tmp, "-c", "protocol.version=0", "clone", "-q", url("alice", aliceToken, "acme/dev"), other.toString()));
        assertEquals("hello\n", Files.readString(other.resolve("README.md")));
        assertOk(git.run(other, "-c", "protocol.version=0", "fetch", "-q", "origin"));
        assertOk(git.run(other, "-c", "protocol.version=2", "fetch", "-q", "origin"));
        assertTrue(git.run(other, "branch", "-r").output().contains("origin/work"));

        assertTrue(metrics.get("flowstage.git.receive").tag("transport", "http").tag("result", "ok").timer().count() >= 2);
        assertTrue(metrics.get("flowstage.git.upload").tag("transport", "http").timer().count() >= 2);
    }

    @Test
    void protocolVersion2IsSpokenWhenAskedFor() throws Exception {
        GitCli.Result v2 = git.run(tmp, Map.of("GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=2", "ls-remote", url("vic", vicToken, "acme/dev"));
        assertOk(v2);
        assertTrue(v2.output().contains("version 2"), v2.output());
        assertTrue(v2.output().contains("refs/heads/main"), v2.output());

        GitCli.Result v0 = git.run(tmp, Map.of("GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=0", "ls-remote", url("vic", vicToken, "acme/dev"));
        assertOk(v0);
        assertFalse(v0.output().contains("version 2"), v0.output());
        assertTrue(v0.output().contains("refs/heads/main"), v0.output());
    }

    @Test
    void aProtocolV2PollIsAnsweredWithItsRefsAndOtherRepositoriesStillLookMissing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String poll = pkt("command=ls-refs\n") + pkt("agent=git/2.39.5\n") + "0001"
                + pkt("symrefs\n") + pkt("ref-prefix HEAD\n") + pkt("ref-prefix refs/heads/\n") + "0000";
        HttpResponse<String> device = lsRefs(http, "acme/pi-1", "Bearer " + deviceToken, poll);
        assertEquals(200, device.statusCode());
        assertEquals("application/x-git-upload-pack-result", device.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-cache, max-age=0, must-revalidate", device.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(String.valueOf(device.body().length()), device.headers().firstValue("Content-Length").orElseThrow());
        String mainId;
        try (Repository repo = repos.open(new RepoName("acme", "pi-1"))) {
            mainId = repo.resolve("refs/heads/main").name();
        }
        assertTrue(device.body().startsWith(pkt(mainId + " HEAD symref-target:refs/heads/main\n")), device.body());
        assertTrue(device.body().contains(" refs/heads/device\n"), device.body());
        assertFalse(device.body().contains("refs/heads/feature"), "a device sees only its refs: " + device.body());
        assertTrue(device.body().endsWith("0000"), device.body());
        assertTrue(lsRefs(http, "acme/pi-1", basic("alice", aliceToken), poll).body().contains("refs/heads/feature"));

        HttpResponse<String> forbidden = lsRefs(http, "acme/dev", basic("mallory", malloryToken), poll);
        HttpResponse<String> missing = lsRefs(http, "acme/nope", basic("mallory", malloryToken), poll);
        assertEquals(404, forbidden.statusCode());
        assertEquals(missing.statusCode(), forbidden.statusCode());
        assertEquals(missing.body(), forbidden.body());
        assertEquals(401, lsRefs(http, "acme/dev", basic("alice", "wrong"), poll).statusCode());
        // a request it does not take whole goes to UploadPack with its body intact
        HttpResponse<String> odd = lsRefs(http, "acme/pi-1", "Bearer " + deviceToken,
                pkt("command=ls-refs\n") + "0001" + pkt("frobnicate\n") + pkt("ref-prefix HEAD\n") + "0000");
        assertTrue(odd.body().contains("ERR"), odd.statusCode() + " " + odd.body());
    }

    @Test
    void theProtocolV2AdvertisementOffersUnbornAndOtherRepositoriesStillLookMissing() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ads = infoRefs(http, "acme/dev", basic("alice", aliceToken));
        assertEquals(200, ads.statusCode());
        assertEquals("application/x-git-upload-pack-advertisement", ads.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(ads.body().startsWith("000dversion 2"), ads.body());
        assertTrue(ads.body().contains("ls-refs=unborn"), ads.body());
        assertTrue(ads.body().endsWith("0000"), ads.body());
        HttpResponse<String> forbidden = infoRefs(http, "acme/dev", basic("mallory", malloryToken));
        HttpResponse<String> missing = infoRefs(http, "acme/nope", basic("mallory", malloryToken));
        assertEquals(404, forbidden.statusCode());
        assertEquals(missing.body(), forbidden.body());
        assertEquals(401, infoRefs(http, "acme/dev", basic("alice", "wrong")).statusCode());
    }

    private static HttpResponse<String> infoRefs(HttpClient http, String repo, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + repo + ".git/info/refs?service=git-upload-pack"))
                .header("Authorization", authorization)
                .header("Git-Protocol", "version=2")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> lsRefs(HttpClient http, String repo, String authorization, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + repo + ".git/git-upload-pack"))
                .header("Authorization", authorization)
                .header("Git-Protocol", "version=2")
                .header("Content-Type", "application/x-git-upload-pack-request")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String pkt(String line) {
        return String.format("%04x", line.length() + 4) + line;
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRepositoryTheCallerMayNotReadLooksMissing() throws Exception {
        GitCli.Result forbidden = git.run(tmp, "ls-remote", url("mallory", malloryToken, "acme/dev"));
        GitCli.Result missing = git.run(tmp, "ls-remote", url("mallory", malloryToken, "acme/nope"));
        assertFalse(forbidden.ok());
        assertTrue(forbidden.output().contains("not found"), forbidden.output());
        assertEquals(missing.output().replace("acme/nope", "acme/dev"), forbidden.output());
    }

    @Test
    void aDirectoryWithoutAConfigEntryOrAnInvalidNameIsNotServed() throws Exception {
        GitCli.Result orphan = git.run(tmp, "ls-remote", url("alice", aliceToken, "acme/orphan"));
        assertFalse(orphan.ok());
        assertTrue(orphan.output().contains("not found"), orphan.output());
        GitCli.Result invalid = git.run(tmp, "ls-remote", url("alice", aliceToken, "acme/Dev"));
        assertFalse(invalid.ok());
        assertTrue(invalid.output().contains("not found"), invalid.output());
    }

    @Test
    void aViewerMayCloneButNotPush() throws Exception {
        Path clone = tmp.resolve("viewer-clone");
        assertOk(git.run(tmp, "clone", "-q", url("vic", vicToken, "acme/dev"), clone.toString()));
        Files.writeString(clone.resolve("x.txt"), "x\n");
        assertOk(git.run(clone, "add", "x.txt"));
        assertOk(git.run(clone, "commit", "-q", "-m", "x"));
        GitCli.Result push = git.run(clone, "push", "origin", "HEAD:refs/heads/viewer");
        assertFalse(push.ok());
        assertTrue(push.output().contains("flowstage: you may not push to acme/dev"), push.output());
    }

    @Test
    void forcePushAndDeletionOfMainAreRefusedWithAMessage() throws Exception {
        Path clone = tmp.resolve("force-clone");
        assertOk(git.run(tmp, "clone", "-q", url("alice", aliceToken, "acme/dev"), clone.toString()));
        assertOk(git.run(clone, "commit", "-q", "--amend", "-m", "rewritten history"));
        GitCli.Result force = git.run(clone, "push", "--force", "origin", "HEAD:main");
        assertFalse(force.ok());
        assertTrue(force.output().contains("flowstage: main only moves forward"), force.output());

        GitCli.Result delete = git.run(clone, "push", "origin", ":main");
        assertFalse(delete.ok());
        assertTrue(delete.output().contains("flowstage: main cannot be deleted"), delete.output());
    }

    @Test
    void mainOfAProtectedInstanceIsRefusedEvenForItsOwner() throws Exception {
        Path clone = tmp.resolve("prod-clone");
        assertOk(git.run(tmp, "clone", "-q", url("alice", ALICE_PW, "acme/prod"), clone.toString()));
        Files.writeString(clone.resolve("flows.json"), "[{\"id\":\"a\",\"type\":\"tab\"}]\n");
        assertOk(git.run(clone, "commit", "-q", "-am", "change prod"));
        GitCli.Result push = git.run(clone, "push", "origin", "HEAD:main");
        assertFalse(push.ok());
        assertTrue(push.output().contains(
                "flowstage: main of protected instance 'prod' only changes through a pipeline or an approved review"), push.output());
        assertOk(git.run(clone, "push", "-q", "origin", "HEAD:refs/heads/hotfix"));
    }

    @Test
    void aDeviceSeesAndPushesOnlyItsOwnRefs() throws Exception {
        for (String version : List.of("0", "2")) {
            GitCli.Result refs = git.run(tmp, "-c", "protocol.version=" + version, "ls-remote", url("pi-1", deviceToken, "acme/pi-1"));
            assertOk(refs);
            assertTrue(refs.output().contains("refs/heads/main"), refs.output());
            assertTrue(refs.output().contains("refs/heads/device"), refs.output());
            assertFalse(refs.output().contains("refs/heads/feature"), refs.output());
        }
        GitCli.Result other = git.run(tmp, "ls-remote", url("pi-1", deviceToken, "acme/dev"));
        assertTrue(other.output().contains("not found"), other.output());

        Path clone = tmp.resolve("device-clone");
        assertOk(git.run(tmp, "clone", "-q", url("pi-1", deviceToken, "acme/pi-1"), clone.toString()));
        Files.writeString(clone.resolve("flows.json"), "[{\"id\":\"n1\",\"type\":\"inject\"}]\n");
        assertOk(git.run(clone, "commit", "-q", "-am", "developer mode change"));
        assertOk(git.run(clone, "push", "-q", "--force", "origin", "HEAD:refs/heads/device"));
        GitCli.Result main = git.run(clone, "push", "origin", "HEAD:main");
        assertFalse(main.ok());
        assertTrue(main.output().contains("flowstage: a device may only push to refs/heads/device"), main.output());
    }

    @Test
    void aFileOverTheLimitIsRefused() throws Exception {
        Path clone = tmp.resolve("big-clone");
        assertOk(git.run(tmp, "clone", "-q", url("alice", aliceToken, "acme/dev"), clone.toString()));
        byte[] big = new byte[(int) MAX_FILE + 4096];
        new Random(1).nextBytes(big);
        Files.write(clone.resolve("big.bin"), big);
        assertOk(git.run(clone, "add", "big.bin"));
        assertOk(git.run(clone, "commit", "-q", "-m", "big"));
        GitCli.Result push = git.run(clone, "push", "origin", "HEAD:refs/heads/big");
        assertFalse(push.ok());
        assertTrue(push.output().contains("flowstage: big.bin is 1.1 MiB; files larger than 1 MiB are refused"), push.output());
        try (Repository repo = repos.open(new RepoName("acme", "dev"))) {
            assertEquals(null, repo.exactRef("refs/heads/big"));
        }
    }

    private static String url(String user, String secret, String repo) {
        return "http://" + user + ":" + secret + "@" + base + repo + ".git";
    }

    private static void assertOk(GitCli.Result r) {
        assertEquals(0, r.exit(), r.output());
    }

    private static String token(GitSiteStore site, String user) {
        String token = Tokens.newPersonalToken();
        site.addToken(user, new AccessToken("git", Tokens.hash(token), TokenScope.WRITE, Instant.now(), null));
        return token;
    }

    private static Target target(TargetKind kind, String name, boolean protectedMain) {
        return new Target(kind, name, "app", protectedMain, null, null, null, null, Instant.EPOCH);
    }

    /** Writes one server-side commit and points each of {@code refs} at it. */
    private static void seed(RepoName name, String... refs) throws IOException {
        try (Repository repo = repos.open(name); ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE,
                    ins.insert(Constants.OBJ_BLOB, "[]\n".getBytes(StandardCharsets.UTF_8)));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            PersonIdent who = new PersonIdent("flowstage", "server@flowstage.invalid");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("seed");
            ObjectId id = ins.insert(cb);
            ins.flush();
            for (String ref : refs) {
                RefUpdate ru = repo.updateRef(ref);
                ru.setNewObjectId(id);
                RefUpdate.Result result = ru.update();
                assertTrue(result == RefUpdate.Result.NEW || result == RefUpdate.Result.FORCED, result.toString());
            }
        }
    }
}
