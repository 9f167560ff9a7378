package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Node-RED whose Admin API needs a token ({@code adminAuth} with a {@code tokens} function that accepts
 * one): without the token a snapshot and a deployment fail with a clear reason; with it both work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveNodeRedAuthTest {
    static final String TOKEN = "admin-api-token-1";

    @TempDir
    static Path dir;
    static SnapshotApiFixture fx;
    static NodeRedRunner nodeRed;
    static URI base;

    @BeforeAll
    static void setUp() throws Exception {
        nodeRed = NodeRedRunner.start(dir.resolve("node-red"), "\"own\"", """
                adminAuth: {
                    type: "credentials",
                    users: [],
                    tokens: function(token) {
                        return Promise.resolve(token === "%s" ? { username: "flowstage", permissions: "*" } : null);
                    }
                },
                """.formatted(TOKEN));
        base = nodeRed.base();
        fx = new SnapshotApiFixture(dir.resolve("server"));
        fx.linkNodeRed("dev", base.toString(), null);
        fx.seedMain("dev", Snapshot.EMPTY.with("flows.json", "[]"), "Empty\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
        if (nodeRed != null) {
            nodeRed.close();
        }
    }

    @Test
    @Order(1)
    void withoutTokenSnapshotIsRefusedWith401Reason() throws Exception {
        ObjectId main = fx.ref("dev", "refs/heads/main");
        String message = fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"s1\"}")
                .error(502, "node_red_unauthorized");
        assertTrue(message.contains("401") && message.contains("no nodeRed.token"), message);
        assertEquals(main, fx.ref("dev", "refs/heads/main"));
        assertNull(fx.ref("dev", "refs/tags/s1"));
        JsonNode status = fx.get("vic", "teams/acme/instances/dev/status").expect(200);
        assertEquals("error", status.get("state").asText());
        assertTrue(status.get("message").asText().contains("401"), status.toString());
    }

    @Test
    @Order(2)
    void withoutTokenDeploymentFailsAndTheStatusSaysWhy() throws Exception {
        String commit = fx.post("mia", "teams/acme/instances/dev/snapshots/import",
                "{\"snapshot\":{\"name\":\"one\",\"flows\":{\"flows\":[{\"id\":\"tab1\",\"type\":\"tab\"}]}}}")
                .expect(201).get("id").asText();
        LiveNodeRed.await("the failed deployment in the status",
                () -> commit.equals(fx.get("vic", "teams/acme/instances/dev/status").json().path("commit").asText()),
                () -> fx.get("vic", "teams/acme/instances/dev/status").text());
        JsonNode status = fx.get("vic", "teams/acme/instances/dev/status").expect(200);
        assertEquals("error", status.get("state").asText());
        assertTrue(status.get("message").asText().contains("401 Unauthorized"), status.toString());
        assertFalse(LiveNodeRed.runsNode(base, TOKEN, "tab1"));
    }

    @Test
    @Order(3)
    void withTheTokenSnapshotAndDeploymentWork() throws Exception {
        fx.linkNodeRed("dev", base.toString(), TOKEN);
        // a snapshot reads the running (empty) flows, which differ from main: committed
        ObjectId before = fx.ref("dev", "refs/heads/main");
        fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"s2\"}").expect(201);
        assertNotEquals(before, fx.ref("dev", "refs/heads/main"));
        String commit = fx.post("mia", "teams/acme/instances/dev/snapshots/import",
                "{\"snapshot\":{\"name\":\"two\",\"flows\":{\"flows\":[{\"id\":\"tab2\",\"type\":\"tab\"}]}}}")
                .expect(201).get("id").asText();
        LiveNodeRed.await("Node-RED to run the import", () -> LiveNodeRed.runsNode(base, TOKEN, "tab2"),
                () -> LiveNodeRed.get(base, "/flows", TOKEN));
        LiveNodeRed.await("the status to show it",
                () -> commit.equals(fx.get("vic", "teams/acme/instances/dev/status").json().path("deployedCommit").asText()),
                () -> fx.get("vic", "teams/acme/instances/dev/status").text());
        assertFalse(fx.get("vic", "teams/acme/instances/dev/status").text().contains(TOKEN));
    }
}
