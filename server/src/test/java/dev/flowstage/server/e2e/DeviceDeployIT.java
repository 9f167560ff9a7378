package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.Processes;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Devices and groups through the whole server: a pipeline deploys into a group and every member device's
 * main becomes the group's signed commit (same SHA, objects borrowed, not copied), which a device clones
 * with its token and `git verify-commit` accepts against GET /api/v1/signing-key; joins and leaves,
 * rollback, deployToDevices, a device stage as source, and the push refusals over HTTP and SSH.
 */
@ExtendWith(FlowstageExtension.class)
class DeviceDeployIT {
    private static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}]\n";

    @Test
    void aGroupDeployReachesEveryDeviceAsOneSignedSharedCommit(TestServer server) throws Exception {
        TestUser alice = server.newUser("alice");
        ApiClient admin = server.admin();
        setUpTeam(admin, "fab", "alice");
        admin.expect(201, "POST", "/api/v1/teams/fab/groups", "{\"name\":\"pis\",\"application\":\"line\"}");
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            tokens.put(d, device(admin, "fab", d, "\"group\":\"pis\""));
        }
        GitCli git = new GitCli(server.workDir().resolve("home"));
        String devHead = pushFlows(server, git, alice, "fab", "dev", FLOWS);
        admin.expect(201, "POST", "/api/v1/teams/fab/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"dev","instance":"dev"},{"name":"pis","group":"pis"}]}""");

        JsonNode first = deploy(server.as(alice), "fab", "dev");
        assertThat(first.path("sourceCommit").asText()).isEqualTo(devHead);
        assertThat(logs(first)).contains("Fan-out: 3 device(s) of group pis: 3 moved to "
                + first.path("targetAfter").asText().substring(0, 7));
        String group = lsRemote(server, git, "alice", alice.token(), "fab", "pis");
        assertThat(group).isEqualTo(first.path("targetAfter").asText());
        for (String d : tokens.keySet()) {
            assertThat(lsRemote(server, git, d, tokens.get(d), "fab", d)).as(d).isEqualTo(group);
            assertThat(ownObjects(server, "fab", d)).as("objects stored in " + d + "'s own directory").isEmpty();
        }

        // a device clones its repository with its token: the group's commit, signed by the server's key
        Path clone = server.workDir().resolve("pi-1");
        git.ok(server.workDir(), "clone", "-q", url(server, "pi-1", tokens.get("pi-1"), "fab", "pi-1"), clone.toString());
        assertThat(git.ok(clone, "rev-parse", "HEAD").trim()).isEqualTo(group);
        assertThat(Files.readString(clone.resolve("flows.json"))).isEqualTo(FLOWS);
        HttpResponse<String> key = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.httpBase() + "/api/v1/signing-key")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(key.statusCode()).as("the public key needs no credentials").isEqualTo(200);
        assertThat(key.headers().firstValue("Content-Type").orElse("")).startsWith("application/pgp-keys");
        assertThat(key.body()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----").doesNotContain("PRIVATE");
        JsonNode keyJson = admin.send("GET", "/api/v1/signing-key", null).json();
        String fingerprint = key.headers().firstValue("X-Flowstage-Key-Fingerprint").orElseThrow();
        assertThat(fingerprint).matches("[0-9A-F]{40}");
        assertThat(server.server().banner().text()).contains("signed with OpenPGP key " + fingerprint);
        Path gnupg = Files.createDirectory(server.workDir().resolve("gnupg"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path pub = server.workDir().resolve("flowstage.asc");
        Files.writeString(pub, key.body());
        ProcessResult imported = Processes.run(server.workDir(), Map.of("GNUPGHOME", gnupg.toString()),
                List.of("gpg", "--batch", "--import", pub.toString()));
        assertThat(imported.ok()).as(imported.toString()).isTrue();
        String verified = git.run(clone, Map.of("GNUPGHOME", gnupg.toString()), "verify-commit", "-v", "HEAD").output();
        assertThat(verified).contains("Good signature").contains(fingerprint.substring(24));
        assertThat(Files.getPosixFilePermissions(server.dataDir().resolve("signing/server-key.asc")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(keyJson.isMissingNode() || keyJson.path("fingerprint").asText().equals(fingerprint)).isTrue();

        // a device created in the group gets its commit; one that leaves keeps a complete repository of its own
        tokens.put("pi-4", device(admin, "fab", "pi-4", "\"group\":\"pis\""));
        assertThat(lsRemote(server, git, "pi-4", tokens.get("pi-4"), "fab", "pi-4")).isEqualTo(group);
        admin.expect(200, "PATCH", "/api/v1/teams/fab/devices/pi-2", "{\"group\":\"\"}");
        assertThat(server.dataDir().resolve("repos/fab/pi-2.git/objects/info/alternates")).doesNotExist();
        assertThat(ownObjects(server, "fab", "pi-2")).isNotEmpty();
        ProcessResult fsck = git.run(server.workDir(), "--git-dir=" + server.dataDir().resolve("repos/fab/pi-2.git"),
                "fsck", "--no-dangling");
        assertThat(fsck.ok()).as(fsck.toString()).isTrue();

        pushFlows(server, git, alice, "fab", "dev", "[]\n");
        JsonNode second = deploy(server.as(alice), "fab", "dev");
        String next = second.path("targetAfter").asText();
        assertThat(logs(second)).contains("Fan-out: 3 device(s) of group pis: 3 moved to " + next.substring(0, 7));
        for (String d : List.of("pi-1", "pi-3", "pi-4")) {
            assertThat(lsRemote(server, git, d, tokens.get(d), "fab", d)).as(d).isEqualTo(next);
        }
        assertThat(lsRemote(server, git, "pi-2", tokens.get("pi-2"), "fab", "pi-2")).as("left the group").isEqualTo(group);

        // rolling back the second deploy puts the group and its devices back on the first snapshot
        JsonNode rollback = server.as(alice).expect(202, "POST", "/api/v1/teams/fab/pipelines/line-1/runs/"
                + second.path("id").asText() + "/rollback", "{}").json().path("run");
        JsonNode back = waitFor(server.as(alice), "fab", rollback.path("id").asText());
        String restored = back.path("targetAfter").asText();
        for (String d : List.of("pi-1", "pi-3", "pi-4")) {
            assertThat(lsRemote(server, git, d, tokens.get(d), "fab", d)).as(d).isEqualTo(restored);
        }
        git.ok(clone, "fetch", "-q", "origin");
        assertThat(git.ok(clone, "show", "origin/main:flows.json")).isEqualTo(FLOWS);
        assertThat(git.run(clone, Map.of("GNUPGHOME", gnupg.toString()), "verify-commit", "origin/main").ok())
                .as("the rollback commit is signed too").isTrue();

        // pi-2 rejoins through a push to _config.git: it gets the group's current commit
        Path config = server.workDir().resolve("fab-config");
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, alice, "fab", "_config"), config.toString());
        Path pi2 = config.resolve("devices/pi-2.json");
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(pi2));
        json.put("group", "pis");
        Files.writeString(pi2, json.toPrettyString() + "\n");
        git.ok(config, "commit", "-q", "-am", "pi-2 rejoins the line");
        git.ok(config, "push", "-q", "origin", "HEAD:main");
        assertThat(lsRemote(server, git, "pi-2", tokens.get("pi-2"), "fab", "pi-2")).isEqualTo(restored);
        assertThat(ownObjects(server, "fab", "pi-2")).as("pi-2 keeps what it copied while away").isNotEmpty();
    }

    @Test
    void onlyTheServerWritesADeviceOrGroupMainOverHttpAndSsh(TestServer server) throws Exception {
        TestUser olga = server.newUser("olga");
        ApiClient admin = server.admin();
        setUpTeam(admin, "guard", "olga");
        admin.expect(201, "POST", "/api/v1/teams/guard/groups", "{\"name\":\"pis\",\"application\":\"line\"}");
        String token = device(admin, "guard", "pi-1", "\"group\":\"pis\"");
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve("work");
        git.ok(server.workDir(), "init", "-q", work.toString());
        Files.writeString(work.resolve("flows.json"), FLOWS);
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", "flows");
        for (Transport t : List.of(Transport.HTTP, Transport.SSH)) {
            for (String[] target : new String[][] {{"group", "pis"}, {"device", "pi-1"}}) {
                ProcessResult push = git.run(work, t.env(server, olga), "push", t.url(server, olga, "guard", target[1]),
                        "HEAD:main");
                assertThat(push.ok()).as(t + " " + target[1]).isFalse();
                assertThat(push.output()).as(t + " " + target[1]).contains("flowstage: main of " + target[0] + " '"
                        + target[1] + "' is written by the server only: deploy to devices through a pipeline");
            }
        }
        // the device itself: its main is refused, refs/heads/device takes valid snapshots only
        String own = url(server, "pi-1", token, "guard", "pi-1");
        ProcessResult main = git.run(work, "push", own, "HEAD:main");
        assertThat(main.ok()).isFalse();
        assertThat(main.output()).contains("flowstage: a device may only push to refs/heads/device");
        Files.writeString(work.resolve("flows.json"), "[{\"id\":\"a\"}]\n");
        git.ok(work, "commit", "-q", "-am", "no type");
        ProcessResult bad = git.run(work, "push", own, "HEAD:refs/heads/device");
        assertThat(bad.ok()).isFalse();
        assertThat(bad.output()).contains("flowstage: ").contains("flows.json").contains("type");
        Files.writeString(work.resolve("flows.json"), FLOWS.replace("Line", "Line 2"));
        git.ok(work, "commit", "-q", "--amend", "-am", "fixed"); // every commit pushed must be a snapshot
        git.ok(work, "push", "-q", own, "HEAD:refs/heads/device");
    }

    @Test
    void deployToDevicesAndADeviceStageAsSource(TestServer server) throws Exception {
        TestUser bob = server.newUser("bob");
        ApiClient admin = server.admin();
        setUpTeam(admin, "kiosks", "bob");
        admin.expect(201, "POST", "/api/v1/teams/kiosks/instances", "{\"name\":\"qa\",\"application\":\"line\"}");
        String kiosk = device(admin, "kiosks", "kiosk-1", "\"instance\":\"qa\"");
        String bench = device(admin, "kiosks", "bench", "");
        GitCli git = new GitCli(server.workDir().resolve("home"));
        pushFlows(server, git, bob, "kiosks", "dev", FLOWS);
        admin.expect(201, "POST", "/api/v1/teams/kiosks/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"dev","instance":"dev"},{"name":"qa","instance":"qa","deployToDevices":true}]}""");
        JsonNode run = deploy(server.as(bob), "kiosks", "dev");
        String qa = run.path("targetAfter").asText();
        assertThat(logs(run)).contains("deployToDevices: 1 device(s) connected to instance qa: 1 moved to "
                + qa.substring(0, 7));
        assertThat(lsRemote(server, git, "kiosk-1", kiosk, "kiosks", "kiosk-1")).isEqualTo(qa);

        // a developer-mode device uploads its flows; a device stage deploys them on
        Path work = server.workDir().resolve("bench");
        git.ok(server.workDir(), "init", "-q", work.toString());
        Files.writeString(work.resolve("flows.json"), FLOWS.replace("Line", "Bench"));
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", "from the bench");
        git.ok(work, "push", "-q", url(server, "bench", bench, "kiosks", "bench"), "HEAD:refs/heads/device");
        String uploaded = git.ok(work, "rev-parse", "HEAD").trim();
        admin.expect(201, "POST", "/api/v1/teams/kiosks/pipelines", """
                {"name":"bench","application":"line","stages":[
                  {"name":"bench","device":"bench","action":"use_latest_device_snapshot"},
                  {"name":"dev","instance":"dev"}]}""");
        JsonNode up = server.as(bob).expect(202, "POST", "/api/v1/teams/kiosks/pipelines/bench/stages/bench/deploy", "{}")
                .json().path("run");
        JsonNode done = waitFor(server.as(bob), "kiosks", "bench", up.path("id").asText());
        assertThat(done.path("sourceCommit").asText()).isEqualTo(uploaded);
        JsonNode noReport = admin.send("PUT", "/api/v1/teams/kiosks/pipelines/bench", """
                {"name":"bench","application":"line","stages":[
                  {"name":"bench","device":"bench","action":"use_active_snapshot"},
                  {"name":"dev","instance":"dev"}]}""").json();
        assertThat(noReport.path("error").isMissingNode()).as(noReport.toString()).isTrue();
        JsonNode active = server.as(bob).expect(202, "POST", "/api/v1/teams/kiosks/pipelines/bench/stages/bench/deploy",
                "{}").json().path("run");
        JsonNode failed = waitForEnd(server.as(bob), "kiosks", "bench", active.path("id").asText());
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").asText()).isEqualTo("device 'bench' has not reported running any snapshot yet:"
                + " use_active_snapshot has nothing to deploy");
    }

    private static void setUpTeam(ApiClient admin, String team, String owner) {
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + team + "\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + team + "/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/" + team + "/members/" + owner, "{\"role\":\"owner\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + team + "/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
    }

    /** Creates a device; returns its token. */
    private static String device(ApiClient admin, String team, String name, String extra) {
        return admin.expect(201, "POST", "/api/v1/teams/" + team + "/devices", "{\"name\":\"" + name
                + "\",\"application\":\"line\"" + (extra.isEmpty() ? "" : "," + extra) + "}").json().path("token").asText();
    }

    private static String pushFlows(TestServer server, GitCli git, TestUser user, String team, String target,
            String flows) {
        Path dir = server.workDir().resolve("push-" + team + "-" + target);
        if (!Files.exists(dir)) {
            git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, user, team, target), dir.toString());
        }
        try {
            Files.writeString(dir.resolve("flows.json"), flows);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        git.ok(dir, "add", ".");
        git.ok(dir, "commit", "-q", "-m", "flows");
        git.ok(dir, "push", "-q", "origin", "HEAD:main");
        return git.ok(dir, "rev-parse", "HEAD").trim();
    }

    private static String url(TestServer server, String user, String secret, String team, String name) {
        return "http://" + user + ":" + secret + "@127.0.0.1:" + server.httpPort() + "/git/" + team + "/" + name + ".git";
    }

    private static String lsRemote(TestServer server, GitCli git, String user, String secret, String team,
            String name) {
        String out = git.ok(server.workDir(), "ls-remote", url(server, user, secret, team, name), "refs/heads/main");
        return out.isBlank() ? "" : out.substring(0, 40);
    }

    /** Files in the repository's own object store (loose objects and packs), the alternates entry aside. */
    private static List<Path> ownObjects(TestServer server, String team, String name) throws Exception {
        Path objects = server.dataDir().resolve("repos/" + team + "/" + name + ".git/objects");
        try (Stream<Path> all = Files.walk(objects)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("alternates"))
                    .toList();
        }
    }

    private static JsonNode deploy(ApiClient api, String team, String stage) throws InterruptedException {
        JsonNode run = api.expect(202, "POST", "/api/v1/teams/" + team + "/pipelines/line-1/stages/" + stage
                + "/deploy", "{}").json().path("run");
        return waitFor(api, team, run.path("id").asText());
    }

    private static JsonNode waitFor(ApiClient api, String team, String runId) throws InterruptedException {
        return waitFor(api, team, "line-1", runId);
    }

    private static JsonNode waitFor(ApiClient api, String team, String pipeline, String runId)
            throws InterruptedException {
        JsonNode run = waitForEnd(api, team, pipeline, runId);
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        return run;
    }

    private static JsonNode waitForEnd(ApiClient api, String team, String pipeline, String runId)
            throws InterruptedException {
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = api.get("/api/v1/teams/" + team + "/pipelines/" + pipeline + "/runs/" + runId).json();
            String s = run.path("status").asText();
            if (s.equals("succeeded") || s.equals("failed") || s.equals("rejected")) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " never ended: " + run);
    }

    private static List<String> logs(JsonNode run) {
        List<String> lines = new ArrayList<>();
        run.path("log").forEach(l -> lines.add(l.path("message").asText()));
        return lines;
    }
}
