package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /teams/{team}/overview}: every target with its current commit and state in one call, for
 * every member and for nobody else.
 */
@ExtendWith(FlowstageExtension.class)
class TeamOverviewIT {
    private static final String TEAM = "ov";

    @Test
    void everyTargetComesWithItsCommitAndStateInOneAnswer(TestServer server) throws Exception {
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications",
                "{\"name\":\"line\",\"description\":\"Line one\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"dev\",\"application\":\"line\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"qa\",\"application\":\"line\",\"protected\":true}");
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/groups", "{\"name\":\"hall\",\"application\":\"line\"}");
        String pi1 = DeviceFleet.create(server, TEAM, "line", "pi-1", "hall");
        DeviceFleet.create(server, TEAM, "line", "pi-2", "hall");
        TestUser alice = server.newUser("ov-alice");
        server.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/ov-alice", "{\"role\":\"owner\"}");
        TestUser viewer = server.newUser("ov-viewer");
        server.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/ov-viewer", "{\"role\":\"viewer\"}");

        GitCli git = new GitCli(server.workDir().resolve("ov-home"));
        Path dev = server.workDir().resolve("ov-dev");
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, alice, TEAM, "dev"), dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}]\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Line flow\n\nWith a body that is not the subject");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        String devHead = git.ok(dev, "rev-parse", "HEAD").trim();
        String piMain = DeviceFleet.deploy(server, TEAM, "pi-1", "one");
        DeviceFleet.device(server, pi1).expect(200, "POST", "/api/v1/devices/self/status",
                "{\"commit\":\"" + piMain + "\",\"state\":\"running\",\"message\":\"3 flows\"}");

        JsonNode overview = server.as(viewer).expect(200, "GET", "/api/v1/teams/" + TEAM + "/overview", null).json();
        assertThat(overview.path("applications").toString()).isEqualTo("[{\"name\":\"line\",\"description\":\"Line one\"}]");
        JsonNode targets = overview.path("targets");
        assertThat(targets.findValuesAsText("name")).containsExactly("dev", "hall", "pi-1", "pi-2", "qa");

        JsonNode devItem = targets.get(0);
        assertThat(devItem.path("kind").asText()).isEqualTo("instance");
        assertThat(devItem.path("protected").asBoolean()).isFalse();
        assertThat(devItem.path("gitUrl").asText()).endsWith("/git/ov/dev.git");
        assertThat(devItem.path("sshUrl").asText()).endsWith("/ov/dev.git");
        assertThat(devItem.path("commit").path("id").asText()).isEqualTo(devHead);
        assertThat(devItem.path("commit").path("subject").asText()).isEqualTo("Line flow");
        assertThat(devItem.path("commit").path("author").asText()).isEqualTo("Flow Developer");
        assertThat(devItem.path("commit").path("date").asText()).isNotEmpty();
        assertThat(devItem.path("status").path("state").asText()).as("no Node-RED linked").isEqualTo("none");

        JsonNode hall = targets.get(1);
        assertThat(hall.path("status").path("state").asText()).isEqualTo("pending");
        assertThat(hall.path("status").path("summary").toString())
                .isEqualTo("{\"onTarget\":1,\"behind\":0,\"error\":0,\"offline\":1,\"total\":2}");
        JsonNode piItem = targets.get(2);
        assertThat(piItem.path("group").asText()).isEqualTo("hall");
        assertThat(piItem.path("commit").path("id").asText()).isEqualTo(piMain);
        assertThat(piItem.path("status").path("state").asText()).isEqualTo("deployed");
        assertThat(piItem.path("status").path("message").asText()).isEqualTo("3 flows");
        assertThat(piItem.path("status").path("activeCommit").asText()).isEqualTo(piMain);
        assertThat(piItem.path("status").path("lastSeen").asText()).isNotEmpty();
        assertThat(piItem.path("token").isMissingNode()).as("the device token never shows again").isTrue();
        JsonNode pi2Item = targets.get(3);
        assertThat(pi2Item.path("status").path("state").asText()).as("never reported").isEqualTo("offline");
        assertThat(pi2Item.path("commit").isNull()).as("nothing deployed yet").isTrue();
        assertThat(targets.get(4).path("protected").asBoolean()).isTrue();
        assertThat(targets.get(4).path("commit").isNull()).isTrue();

        TestUser stranger = server.newUser("ov-stranger");
        assertThat(server.as(stranger).get("/api/v1/teams/" + TEAM + "/overview").status()).isEqualTo(404);
        assertThat(server.anonymous().get("/api/v1/teams/" + TEAM + "/overview").status()).isEqualTo(401);
    }
}
