package dev.flowstage.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.agent.testing.FakeFlowstageServer;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent jar, as a separate process, between a stand-in Flowstage server (JGit's GitServlet over
 * HTTPS plus the device endpoints) and a real Node-RED 5 from npm: signed deploys arrive with their
 * credentials; tampered, unsigned and foreign-signed commits and flows Node-RED rejects are reported as
 * errors while Node-RED keeps its flows; a server that is away or restarts is waited out with one log line;
 * a restarted agent does not deploy again; {@code agent snapshot} uploads the live flows and credentials.
 */
class AgentNodeRedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private TestSigner signer;
    private FakeFlowstageServer server;
    private NodeRedRunner nodeRed;
    private Path config;
    private final List<Process> agents = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        server = new FakeFlowstageServer(dir, signer.armoredPublicKey());
        // no credentialSecret: Node-RED generates its own (in .config.runtime.json), unlike the device's
        nodeRed = NodeRedRunner.start(dir.resolve("node-red"), "undefined");
        config = dir.resolve("agent/config.json");
        Process init = agent("init", "--server", server.url(), "--device", "team/pi-1", "--token", server.token(),
                "--node-red", nodeRed.base().toString(), "--node-red-user-dir", nodeRed.userDir().toString(),
                "--config", config.toString());
        assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(log("init")).isZero();
        assertThat(log("init")).contains("(pinned)");
    }

    @AfterEach
    void stop() throws Exception {
        for (String name : List.of("init", "run-1", "run-2", "snapshot")) {
            String text = log(name);
            if (!text.isEmpty()) {
                System.out.println("---- agent " + name + " log\n" + text);
            }
        }
        for (Process p : agents) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        if (nodeRed != null) {
            nodeRed.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void deploysSignedSnapshotsAndRefusesEverythingElse() throws Exception {
        ObjectId c1 = signed(snapshot("tick", "mqtt-user", "mqtt-pass"), null, "deploy 1");
        server.setMain(c1);
        Process run = agent("run", "--config", config.toString(), "--watch-timeout", "5", "--max-backoff", "2");

        awaitReport(c1, "running");
        assertThat(flowIds()).contains("t1", "b1", "n-tick");
        JsonNode creds = JSON.readTree(nodeRed.get("/credentials/mqtt-broker/b1").body());
        assertThat(creds.path("user").asText()).isEqualTo("mqtt-user");
        assertThat(creds.path("has_password").asBoolean()).isTrue();
        assertThat(creds.has("password")).isFalse();

        // changed after signing: refused, Node-RED keeps deploy 1
        ObjectId c2 = server.repository().resolve(signer.tamperedCommit(server.repository(),
                tree(snapshot("tock", "mqtt-user", "mqtt-pass")), tree(snapshot("evil", "mqtt-user", "stolen")), c1,
                "deploy 2\n").name());
        server.setMain(c2);
        assertThat(awaitReport(c2, "error").path("message").asText())
                .contains("signature does not match its content").contains("Node-RED keeps running commit " + c1.name().substring(0, 12));
        assertThat(flowIds()).contains("n-tick").doesNotContain("n-evil", "n-tock");

        // signed by another key
        ObjectId c3 = TestSigner.generate("Mallory <m@example.test>").signedCommit(server.repository(),
                tree(snapshot("evil", "u", "p")), c1, "deploy 3\n");
        server.setMain(c3);
        assertThat(awaitReport(c3, "error").path("message").asText()).contains("is signed by another key");
        // unsigned
        ObjectId c4 = TestSigner.unsignedCommit(server.repository(), tree(snapshot("evil", "u", "p")), c1, "deploy 4\n");
        server.setMain(c4);
        assertThat(awaitReport(c4, "error").path("message").asText()).contains("is not signed");
        assertThat(flowIds()).contains("n-tick").doesNotContain("n-evil");

        // signed, but Node-RED refuses the flows
        Snapshot broken = Snapshot.EMPTY.with("flows.json", "[{\"id\":\"t1\",\"type\":\"tab\"}, null]")
                .with("package.json", "{\"name\":\"pi\"}");
        ObjectId c5 = signed(broken, c1, "deploy 5");
        server.setMain(c5);
        assertThat(awaitReport(c5, "error").path("message").asText())
                .startsWith("Node-RED rejected commit " + c5.name().substring(0, 12) + ": Node-RED at " + nodeRed.base())
                .contains("refused deploying the flows (400");
        assertThat(flowIds()).contains("n-tick");

        // and the next good deploy still arrives
        ObjectId c6 = signed(snapshot("tock", "mqtt-user", "new-pass"), c1, "deploy 6");
        server.setMain(c6);
        awaitReport(c6, "running");
        assertThat(flowIds()).contains("n-tock").doesNotContain("n-tick");

        // a server that answers 503 for a while: logged once, and once when it is back
        server.setUnavailable(true);
        int before = server.refused();
        await().atMost(WAIT).until(() -> server.refused() >= before + 3);
        server.setUnavailable(false);
        ObjectId c7 = signed(snapshot("seven", "mqtt-user", "new-pass"), c6, "deploy 7");
        server.setMain(c7);
        awaitReport(c7, "running");
        // the recovery line follows the round whose report the server just saw
        await().atMost(WAIT).until(() -> log("run-1").contains("again, after "));
        String agentLog = log("run-1");
        // one line for the outage (the watch and the fetch both failing), one for the recovery
        assertThat(agentLog.lines().filter(l -> l.contains("WARN") && l.contains("503")).count()).as(agentLog).isEqualTo(1);
        assertThat(agentLog).contains("again, after ");

        // the server goes away and comes back on the same port with a new deploy
        server.stop();
        ObjectId c8 = signed(snapshot("eight", "mqtt-user", "new-pass"), c7, "deploy 8");
        server.setMain(c8);
        await().atMost(WAIT).until(() -> log("run-1").contains("is not reachable"));
        server.start();
        awaitReport(c8, "running");
        assertThat(log("run-1").lines().filter(l -> l.contains("WARN") && l.contains("onnection refused")).count())
                .as(log("run-1")).isEqualTo(1);
        assertThat(flowIds()).contains("n-eight");

        // a restarted agent reports what runs and does not deploy it again
        run.destroy();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int reports = server.reports().size();
        agent("run", "--config", config.toString(), "--watch-timeout", "5", "--max-backoff", "2");
        await().atMost(WAIT).until(() -> server.reports().size() > reports);
        assertThat(server.reports().get(reports).path("commit").asText()).isEqualTo(c8.name());
        assertThat(server.reports().get(reports).path("state").asText()).isEqualTo("running");
        assertThat(log("run-2")).doesNotContain("deployed commit");

        // a revoked token is named in the log
        server.revokeToken();
        await().atMost(WAIT).until(() -> log("run-2").contains("refused the device token (401)"));
    }

    @Test
    void snapshotUploadsTheLiveFlowsAndCredentialsToTheDeviceBranch() throws Exception {
        Snapshot deployed = snapshot("tick", "mqtt-user", "mqtt-pass").with("env.json", "{\"SITE\":\"north\"}");
        ObjectId c1 = signed(deployed, null, "deploy 1");
        server.setMain(c1);
        agent("run", "--config", config.toString(), "--watch-timeout", "5");
        awaitReport(c1, "running");

        // someone edits the flows on the device (v1 full deploy of the array, as an older editor does)
        List<JsonNode> flows = new ArrayList<>();
        JSON.readTree(nodeRed.get("/flows").body()).forEach(flows::add);
        ObjectNode local = JSON.createObjectNode().put("id", "n-local").put("type", "inject").put("z", "t1").put("name", "local");
        local.putArray("wires").addArray();
        flows.add(local);
        assertThat(nodeRed.deploy(JSON.writeValueAsString(flows)).statusCode()).isEqualTo(204);

        Process snap = agent("snapshot", "--config", config.toString(), "-m", "tuned on the device");
        assertThat(snap.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = log("snapshot");
        assertThat(snap.exitValue()).as(out).isZero();
        assertThat(out).contains("Uploaded snapshot ").contains("(credentials: from the Node-RED user dir)");

        Ref device = server.repository().exactRef("refs/heads/device");
        assertThat(device).isNotNull();
        Snapshot uploaded = SnapshotReader.read(server.repository(), device.getObjectId());
        assertThat(uploaded.text("flows.json").orElseThrow()).contains("n-local").contains("n-tick");
        assertThat(uploaded.text("env.json")).contains("{\"SITE\":\"north\"}");
        JsonNode creds = NodeRedCredentials.decrypt(uploaded.bytes("flows_cred.json").orElseThrow(),
                FakeFlowstageServer.CREDENTIAL_SECRET);
        assertThat(creds.path("b1").path("password").asText()).isEqualTo("mqtt-pass");
        try (RevWalk w = new RevWalk(server.repository())) {
            var commit = w.parseCommit(device.getObjectId());
            assertThat(commit.getParent(0).getId()).isEqualTo(c1);
            assertThat(commit.getFullMessage()).isEqualTo("tuned on the device\n");
        }
        assertThat(server.repository().exactRef("refs/heads/main").getObjectId()).isEqualTo(c1);
    }

    // ---- helpers

    private Snapshot snapshot(String name, String user, String password) {
        ObjectNode creds = JSON.createObjectNode();
        creds.putObject("b1").put("user", user).put("password", password);
        String flows = """
                [{"id":"t1","type":"tab","label":"Deployed by Flowstage"},
                 {"id":"b1","type":"mqtt-broker","name":"broker","broker":"127.0.0.1","port":"1883","autoConnect":false},
                 {"id":"n-%s","type":"inject","z":"t1","name":"%s","repeat":"","once":false,"wires":[[]]}]
                """.formatted(name, name);
        return Snapshot.EMPTY.with("flows.json", flows)
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, FakeFlowstageServer.CREDENTIAL_SECRET))
                .with("package.json", "{\"name\":\"pi\",\"dependencies\":{}}")
                .with("settings.json", "{}");
    }

    private ObjectId tree(Snapshot s) throws IOException {
        try (ObjectInserter ins = server.repository().newObjectInserter()) {
            ObjectId t = SnapshotWriter.insertTree(ins, s);
            ins.flush();
            return t;
        }
    }

    private ObjectId signed(Snapshot s, ObjectId parent, String message) throws IOException {
        return signer.signedCommit(server.repository(), tree(s), parent, message + "\n");
    }

    private JsonNode awaitReport(ObjectId commit, String state) {
        return await().atMost(WAIT).until(() -> server.reports().stream()
                .filter(r -> r.path("commit").asText().equals(commit.name()) && r.path("state").asText().equals(state))
                .findFirst().orElse(null), r -> r != null);
    }

    private List<String> flowIds() throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(nodeRed.get("/flows").body()).forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    private Process agent(String... args) throws IOException {
        String jar = System.getProperty("flowstage.agent.jar", "target/flowstage-agent.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        cmd.addAll(List.of(args));
        String name = args[0].equals("run") ? "run-" + (agents.size() + 1) : args[0];
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (args[0].equals("run")) {
            agents.add(p);
        }
        return p;
    }

    private String log(String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
