package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.SshKeyPairs;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A device reaches its own repository only, sees only its deploy refs there (fetch and push
 * advertisements, protocol v0 and v2, HTTP and SSH with the real git client), cannot make its branch
 * point at an object it cannot read, and its token works on the device API only.
 */
@ExtendWith(FlowstageExtension.class)
class DeviceIsolationIT {
    private static final String TEAM = "iso";
    private static final Set<String> DEVICE_REFS = Set.of("HEAD", "refs/heads/main", "refs/heads/device");
    private static TestServer server;
    private static GitCli git;
    private static Path trees;
    private static TestUser pi;
    private static String hiddenCommit;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances", "{\"name\":\"plant\",\"application\":\"line\"}");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"others\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/others/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/others/instances", "{\"name\":\"elsewhere\",\"application\":\"line\"}");
        String token = DeviceFleet.create(s, TEAM, "line", "pi", null);
        DeviceFleet.create(s, TEAM, "line", "pi-2", null);
        Path key = SshKeyPairs.generate(s.workDir().resolve("device-keys"), "pi", "ed25519");
        ApiClient.Response added = s.admin().post("/api/v1/teams/" + TEAM + "/devices/pi/keys",
                "{\"title\":\"pi\",\"key\":\"" + SshKeyPairs.publicKeyLine(key) + "\"}");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        pi = new TestUser("pi", null, token, key);
        git = new GitCli(s.workDir().resolve("git-home"));
        trees = Files.createDirectories(s.workDir().resolve("iso"));

        String main = DeviceFleet.deploy(s, TEAM, "pi", "deployed");
        DeviceFleet.deploy(s, TEAM, "pi-2", "other device");
        // refs of the device's repository it must not see: a work branch, a tag, a review ref
        hiddenCommit = DeviceFleet.deploy(s, TEAM, "pi", "not for the device");
        Path dir = s.dataDir().resolve("repos").resolve(TEAM).resolve("pi.git");
        try (Repository repo = RepositoryCache.open(RepositoryCache.FileKey.exact(dir.toFile(), FS.DETECTED), true)) {
            set(repo, "refs/heads/work", hiddenCommit);
            set(repo, "refs/tags/secret", hiddenCommit);
            set(repo, "refs/reviews/1", hiddenCommit);
            RefUpdate back = repo.updateRef("refs/heads/main");
            back.setNewObjectId(ObjectId.fromString(main));
            back.setForceUpdate(true);
            back.forceUpdate();
        }
        // the device uploads its own snapshot (developer mode) over HTTP
        Path own = trees.resolve("own");
        git.ok(trees, Map.of(), "clone", Transport.HTTP.url(server, pi, TEAM, "pi"), "own");
        Files.writeString(own.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"on site\"}]\n");
        git.ok(own, "commit", "-q", "-am", "Edited on the device");
        git.ok(own, Map.of(), "push", "origin", "HEAD:refs/heads/device");
    }

    private static void set(Repository repo, String ref, String sha) throws IOException {
        RefUpdate u = repo.updateRef(ref);
        u.setNewObjectId(ObjectId.fromString(sha));
        u.setForceUpdate(true);
        RefUpdate.Result r = u.forceUpdate();
        assertThat(r).isIn(RefUpdate.Result.NEW, RefUpdate.Result.FORCED, RefUpdate.Result.NO_CHANGE);
    }

    static Stream<Arguments> transportsAndVersions() {
        return Stream.of(Transport.HTTP, Transport.SSH).flatMap(t -> Stream.of(Arguments.of(t, 0), Arguments.of(t, 2)));
    }

    @ParameterizedTest(name = "{0} protocol v{1}")
    @MethodSource("transportsAndVersions")
    void fetchAdvertisementShowsOnlyTheDeviceRefs(Transport t, int version) {
        ProcessResult r = git.run(trees, env(t, version), "ls-remote", t.url(server, pi, TEAM, "pi"));
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(refs(r.stdout())).isEqualTo(DEVICE_REFS);
        assertThat(r.stdout()).doesNotContain(hiddenCommit);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void pushAdvertisementShowsOnlyTheDeviceRefs(Transport t) throws Exception {
        String advertisement;
        if (t == Transport.HTTP) {
            HttpResponse<String> r = http("GET", "/git/" + TEAM + "/pi.git/info/refs?service=git-receive-pack", null);
            assertThat(r.statusCode()).isEqualTo(200);
            advertisement = r.body();
        } else {
            // ls-remote run against git-receive-pack lists what a push would see
            ProcessResult r = git.run(trees, env(t, 0), "ls-remote", "--upload-pack=git-receive-pack",
                    t.url(server, pi, TEAM, "pi"));
            assertThat(r.ok()).as(r.toString()).isTrue();
            advertisement = r.stdout();
        }
        assertThat(advertisement).contains("refs/heads/main", "refs/heads/device")
                .doesNotContain("refs/heads/work", "refs/tags/secret", "refs/reviews/", hiddenCommit);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void everyOtherRepositoryIsNotFoundExactlyLikeAMissingOne(Transport t) {
        String missing = normalized(git.run(trees, env(t, 2), "ls-remote", t.url(server, pi, TEAM, "nope")), TEAM + "/nope");
        assertThat(missing.toLowerCase()).contains("not found");
        for (String[] repo : new String[][] {{TEAM, "pi-2"}, {TEAM, "plant"}, {TEAM, "_config"},
                {"others", "elsewhere"}, {"ghosts", "nope"}}) {
            ProcessResult r = git.run(trees, env(t, 2), "ls-remote", t.url(server, pi, repo[0], repo[1]));
            assertThat(r.ok()).as(Arrays.toString(repo)).isFalse();
            assertThat(normalized(r, repo[0] + "/" + repo[1]).replace(TEAM + "/nope", "REPO"))
                    .as(Arrays.toString(repo)).isEqualTo(missing.replace(TEAM + "/nope", "REPO"));
        }
    }

    @Test
    void aPushCannotPointTheDeviceBranchAtAnObjectTheDeviceCannotRead() throws Exception {
        String before = deviceBranch();
        // a hand-made push: the hidden commit as the new value of refs/heads/device, no objects sent
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(pktLine(before + " " + hiddenCommit + " refs/heads/device\0report-status\n"));
        body.write("0000".getBytes(StandardCharsets.US_ASCII));
        body.write(emptyPack());
        HttpResponse<String> r = http("POST", "/git/" + TEAM + "/pi.git/git-receive-pack", body.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("ok refs/heads/device").contains("refs/heads/device");
        assertThat(r.body()).containsPattern("unpack (?!ok)|ng refs/heads/device");
        assertThat(deviceBranch()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void theDeviceStillPushesItsOwnWorkToItsBranch(Transport t) throws Exception {
        Path clone = trees.resolve("push-" + t);
        git.ok(trees, env(t, 2), "clone", t.url(server, pi, TEAM, "pi"), clone.getFileName().toString());
        git.ok(clone, env(t, 2), "fetch", "origin", "refs/heads/device:refs/remotes/origin/device");
        git.ok(clone, "checkout", "-q", "-B", "local", "origin/device");
        Files.writeString(clone.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"" + t + "\"}]\n");
        git.ok(clone, "commit", "-q", "-am", "Edited over " + t);
        ProcessResult push = git.run(clone, env(t, 2), "push", "origin", "HEAD:refs/heads/device");
        assertThat(push.ok()).as(push.toString()).isTrue();
        ProcessResult toMain = git.run(clone, env(t, 2), "push", "origin", "HEAD:refs/heads/main");
        assertThat(toMain.ok()).isFalse();
        assertThat(toMain.stderr()).contains("flowstage:");
    }

    @Test
    void theDeviceTokenIsRefusedOnUserApisAndTheKeyIsTheDevicesOwn() {
        ApiClient device = DeviceFleet.device(server, pi.token());
        for (String path : new String[] {"/api/v1/teams", "/api/v1/tokens", "/api/v1/user/keys",
                "/api/v1/teams/" + TEAM + "/devices/pi/keys"}) {
            assertThat(device.get(path).status()).as(path).isEqualTo(403);
        }
        // the device's key is listed on the device and cannot be a user's too
        assertThat(server.admin().get("/api/v1/teams/" + TEAM + "/devices/pi/keys").body()).contains("ssh-ed25519");
        ApiClient.Response reuse = server.admin().post("/api/v1/user/keys",
                "{\"title\":\"copy\",\"key\":\"" + SshKeyPairs.publicKeyLine(pi.sshKey()) + "\"}");
        assertThat(reuse.status()).as(reuse.toString()).isIn(409, 422);
        ApiClient.Response bad = server.admin().post("/api/v1/teams/" + TEAM + "/devices/pi/keys",
                "{\"title\":\"bad\",\"key\":\"not a key\"}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(server.admin().post("/api/v1/teams/" + TEAM + "/devices/plant/keys",
                "{\"title\":\"x\",\"key\":\"" + SshKeyPairs.publicKeyLine(pi.sshKey()) + "\"}").status()).isEqualTo(404);
    }

    private static String deviceBranch() {
        ProcessResult r = git.run(trees, Map.of(), "ls-remote", Transport.HTTP.url(server, pi, TEAM, "pi"),
                "refs/heads/device");
        assertThat(r.ok()).as(r.toString()).isTrue();
        return r.stdout().split("\t")[0].trim();
    }

    private static Set<String> refs(String lsRemote) {
        return lsRemote.lines().filter(l -> !l.isBlank()).map(l -> l.substring(l.indexOf('\t') + 1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** stderr without the port and the repository's own name, to compare refusals. */
    private static String normalized(ProcessResult r, String repo) {
        return r.stderr().replace(repo, TEAM + "/nope")
                .replaceAll(":" + server.httpPort(), ":PORT").replaceAll(":" + server.sshPort(), ":PORT");
    }

    private static Map<String, String> env(Transport t, int version) {
        Map<String, String> env = new HashMap<>(t.env(server, pi));
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "protocol.version");
        env.put("GIT_CONFIG_VALUE_0", Integer.toString(version));
        return env;
    }

    private static HttpResponse<String> http(String method, String path, byte[] body) throws Exception {
        String auth = Base64.getEncoder().encodeToString(("pi:" + pi.token()).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.httpBase() + path))
                .header("Authorization", "Basic " + auth);
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/x-git-receive-pack-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return HttpClient.newHttpClient().send(b.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    private static byte[] pktLine(String s) {
        byte[] payload = s.getBytes(StandardCharsets.UTF_8);
        return (String.format("%04x", payload.length + 4) + s).getBytes(StandardCharsets.UTF_8);
    }

    /** A pack with no objects: header, version 2, zero objects, then the SHA-1 of those 12 bytes. */
    private static byte[] emptyPack() throws Exception {
        byte[] header = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
        byte[] sum = MessageDigest.getInstance("SHA-1").digest(header);
        byte[] pack = Arrays.copyOf(header, header.length + sum.length);
        System.arraycopy(sum, 0, pack, header.length, sum.length);
        return pack;
    }
}
