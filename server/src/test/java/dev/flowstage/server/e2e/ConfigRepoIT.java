package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The team configuration as a Git repository (SPEC §9): the API and {@code _config.git} are two views of one state. */
@ExtendWith(FlowstageExtension.class)
class ConfigRepoIT {
    private static TestServer server;
    private static TestUser owner;
    private static TestUser member;
    private static GitCli git;
    private static Path work;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        owner = s.newUser("olga");
        member = s.newUser("mick");
        ApiClient admin = s.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"cfg\"}");
        admin.expect(201, "PUT", "/api/v1/teams/cfg/members/olga", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", "/api/v1/teams/cfg/members/mick", "{\"role\":\"member\"}");
        s.as(owner).expect(201, "POST", "/api/v1/teams/cfg/applications", "{\"name\":\"factory\"}");
        s.as(owner).expect(201, "POST", "/api/v1/teams/cfg/instances", "{\"name\":\"dev\",\"application\":\"factory\"}");
        git = new GitCli(s.workDir().resolve("home"));
        work = s.workDir().resolve("config");
        git.ok(s.workDir(), "clone", url(owner), work.toString());
    }

    private static String url(TestUser u) {
        return Transport.HTTP.url(server, u, "cfg", "_config");
    }

    private static ProcessResult commitAndPush(String message) {
        git.ok(work, "add", "-A");
        git.ok(work, "commit", "-q", "-m", message);
        return git.run(work, "push", "origin", "HEAD:main");
    }

    private static void resetToServer() {
        git.ok(work, "fetch", "-q", "origin");
        git.ok(work, "reset", "-q", "--hard", "origin/main");
    }

    @Test
    void apiChangesAreCommitsAndAnOwnersPushChangesTheConfiguration() throws Exception {
        resetToServer();
        assertThat(work.resolve("instances/dev.json")).exists();
        assertThat(Files.readString(work.resolve("members.json"))).contains("\"olga\"").contains("\"owner\"");

        Files.writeString(work.resolve("instances/qa.json"), "{\n  \"application\": \"factory\",\n  \"protected\": true\n}\n");
        ProcessResult push = commitAndPush("Add the QA instance");
        assertThat(push.ok()).as(push.toString()).isTrue();

        ApiClient.Response qa = server.as(owner).get("/api/v1/teams/cfg/instances/qa");
        assertThat(qa.status()).isEqualTo(200);
        assertThat(qa.json().path("protected").asBoolean()).isTrue();
        assertThat(git.run(server.workDir(), "ls-remote", Transport.HTTP.url(server, owner, "cfg", "qa")).ok()).isTrue();

        Files.delete(work.resolve("instances/qa.json"));
        assertThat(commitAndPush("Remove the QA instance").ok()).isTrue();
        assertThat(server.as(owner).get("/api/v1/teams/cfg/instances/qa").status()).isEqualTo(404);
        assertThat(Files.exists(server.dataDir().resolve("repos/cfg/qa.git"))).isFalse();
    }

    @Test
    void aBadPushIsRefusedWholeWithTheApisMessage() throws Exception {
        resetToServer();
        String before = git.ok(work, "rev-parse", "origin/main").trim();
        String apiMessage = server.as(owner).post("/api/v1/teams/cfg/instances",
                "{\"name\":\"bad\",\"application\":\"nowhere\"}").json().at("/error/message").asText();
        assertThat(apiMessage).contains("nowhere");

        Files.writeString(work.resolve("instances/bad.json"), "{\"application\": \"nowhere\"}\n");
        Files.writeString(work.resolve("instances/fine.json"), "{\"application\": \"factory\"}\n");
        ProcessResult push = commitAndPush("Two instances, one bad");
        assertThat(push.ok()).isFalse();
        assertThat(push.stderr()).contains("instance 'bad'").contains("application 'nowhere'");
        assertThat(git.ok(work, "ls-remote", "origin", "refs/heads/main")).startsWith(before);
        assertThat(server.as(owner).get("/api/v1/teams/cfg/instances/fine").status()).isEqualTo(404);
    }

    @Test
    void unknownMembersPlaintextSecretsAndBrokenJsonAreRefused() throws Exception {
        resetToServer();
        Files.writeString(work.resolve("members.json"), "{\"olga\": \"owner\", \"ghost\": \"member\"}\n");
        ProcessResult ghost = commitAndPush("Add a ghost");
        assertThat(ghost.ok()).isFalse();
        assertThat(ghost.stderr()).contains("members.json: user 'ghost' does not exist");

        resetToServer();
        Files.writeString(work.resolve("instances/dev.json"),
                "{\"application\": \"factory\", \"sealedCredentialSecret\": \"plain-text-secret\"}\n");
        ProcessResult plain = commitAndPush("A plaintext secret");
        assertThat(plain.ok()).isFalse();
        assertThat(plain.stderr()).contains("instances/dev.json").contains("not a value sealed by this server");

        resetToServer();
        Files.createDirectories(work.resolve("webhooks"));
        Files.writeString(work.resolve("webhooks/ci.json"), "{\"url\": \"ftp://example.test/x\", \"events\": [\"push\"]}\n");
        ProcessResult hook = commitAndPush("A webhook to an ftp URL");
        assertThat(hook.ok()).isFalse();
        assertThat(hook.stderr()).contains("webhooks/ci.json");

        resetToServer();
        Files.writeString(work.resolve("instances/dev.json"), "{\"application\": \"factory\",\n");
        ProcessResult broken = commitAndPush("Broken JSON");
        assertThat(broken.ok()).isFalse();
        assertThat(broken.stderr()).contains("instances/dev.json");
        resetToServer();
    }

    @Test
    void pushedUrlsTheServerWouldCallAreCheckedLikeTheApiDoes() throws Exception {
        resetToServer();
        String apiMessage = server.as(owner).patch("/api/v1/teams/cfg/instances/dev",
                "{\"nodeRed\":{\"url\":\"http://admin:pw@nodered.cfg.example:1880/\"}}").json()
                .at("/error/message").asText();
        assertThat(apiMessage).startsWith("nodeRed.url must not carry credentials");
        Files.writeString(work.resolve("instances/dev.json"), "{\"application\": \"factory\","
                + " \"nodeRed\": {\"url\": \"http://admin:pw@nodered.cfg.example:1880/\"}}\n");
        ProcessResult userInfo = commitAndPush("Node-RED with a password in its URL");
        assertThat(userInfo.ok()).isFalse();
        assertThat(userInfo.stderr()).contains("instances/dev.json: " + apiMessage);

        resetToServer();
        Files.writeString(work.resolve("instances/dev.json"), "{\"application\": \"factory\","
                + " \"nodeRed\": {\"url\": \"http://169.254.169.254/latest/\"}}\n");
        ProcessResult metadata = commitAndPush("Node-RED at the metadata address");
        assertThat(metadata.ok()).isFalse();
        assertThat(metadata.stderr()).contains("instances/dev.json: nodeRed.url: address 169.254.169.254 is not allowed"
                + " for outbound calls (cloud metadata)");
        resetToServer();
    }

    @Test
    void membersMayReadButNotPushTheConfiguration() throws Exception {
        Path mine = server.workDir().resolve("member-config");
        git.ok(server.workDir(), "clone", url(member), mine.toString());
        Files.writeString(mine.resolve("members.json"), "{\"mick\": \"owner\"}\n");
        git.ok(mine, "commit", "-q", "-am", "Make me owner");
        ProcessResult push = git.run(mine, "push", "origin", "HEAD:main");
        assertThat(push.ok()).isFalse();
        assertThat(server.admin().get("/api/v1/teams/cfg/members").body()).contains("olga");
    }
}
