package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole server with a real Node-RED from npm: a {@code git push} to an instance linked to it is
 * deployed there, the instance status records it, and a snapshot can be taken from the live flows.
 */
@ExtendWith(FlowstageExtension.class)
class LiveNodeRedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static NodeRedRunner nodeRed;

    @BeforeAll
    static void startNodeRed(TestServer server) throws Exception {
        nodeRed = NodeRedRunner.start(server.workDir().resolve("node-red"), "\"red-secret\"");
    }

    @AfterAll
    static void stopNodeRed() throws Exception {
        if (nodeRed != null) {
            nodeRed.close();
        }
    }

    @Test
    void aPushIsDeployedToTheLinkedNodeRedAndItsFlowsCanBeCaptured(TestServer server) throws Exception {
        TestUser dev = server.newUser("dev-user");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"live\"}");
        admin.expect(201, "POST", "/api/v1/teams/live/applications", "{\"name\":\"app\"}");
        admin.expect(201, "PUT", "/api/v1/teams/live/members/dev-user", "{\"role\":\"member\"}");
        admin.expect(201, "POST", "/api/v1/teams/live/instances", "{\"name\":\"edge\",\"application\":\"app\","
                + "\"nodeRed\":{\"url\":\"" + nodeRed.base() + "\"},\"credentialSecret\":\"red-secret\"}");

        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve("edge");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, dev, "live", "edge"), work.toString());
        Files.writeString(work.resolve("flows.json"), """
                [{"id":"t1","type":"tab","label":"Pushed"},
                 {"id":"in1","type":"inject","z":"t1","name":"from git","props":[{"p":"payload"}],"payload":"1",
                  "payloadType":"num","repeat":"","once":false,"topic":"","x":120,"y":80,"wires":[]}]
                """);
        git.ok(work, "add", "flows.json");
        git.ok(work, "commit", "-q", "-m", "Flows from git");
        git.ok(work, "push", "-q", "origin", "HEAD:main");
        String pushed = git.ok(work, "rev-parse", "HEAD").trim();

        JsonNode status = null;
        for (int i = 0; i < 300; i++) {
            status = server.as(dev).get("/api/v1/teams/live/instances/edge/status").json();
            if (pushed.equals(status.path("deployedCommit").asText())) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(status.path("deployedCommit").asText()).as(status.toString()).isEqualTo(pushed);
        assertThat(status.path("state").asText()).isEqualTo("ok");
        String running = nodeRed.get("/flows").body();
        assertThat(JSON.readTree(running).toString()).contains("from git");

        ApiClient.Response snap = server.as(dev).post("/api/v1/teams/live/instances/edge/snapshots",
                "{\"name\":\"after-push\",\"description\":\"what runs now\"}");
        assertThat(snap.status()).as(snap.toString()).isEqualTo(201);
        assertThat(server.as(dev).get("/api/v1/teams/live/instances/edge/snapshots").body()).contains("after-push");
    }
}
