package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ServerProcess;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet with real parts only: the server jar in its own process (HTTPS with its self-signed
 * certificate), a real Node-RED from npm, and the real agent jar as a separate process, provisioned with
 * {@code agent init} (certificate and signing key pinned by the fingerprints the server shows) and left
 * running with {@code run --watch}. A pipeline deploy from an instance into a group reaches Node-RED with
 * its credentials and the device reports {@code running} on the group's commit; then the server is
 * killed with SIGKILL while the agent waits on its watch, restarted on the same ports and data dir, and
 * the next deploy (changed flows and password) still arrives and is reported.
 */
class AgentEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String DEV_SECRET = "dev-credential-secret";
    private static final String FLEET_SECRET = "fleet-credential-secret";

    @TempDir
    Path tmp;
    private ServerProcess server;
    private NodeRedRunner nodeRed;
    private final List<Process> agents = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : agents) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (String name : List.of("init", "run")) {
            Path log = tmp.resolve("agent-" + name + ".log");
            if (Files.exists(log)) {
                System.out.println("---- agent " + name + " log\n" + Files.readString(log));
            }
        }
        if (nodeRed != null) {
            nodeRed.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPipelineDeployReachesNodeRedThroughTheAgentAcrossAServerCrash() throws Exception {
        server = new ServerProcess(Files.createDirectories(tmp.resolve("data")), tmp.resolve("server.log")).withHttps();
        server.start();
        ApiClient admin = ApiClient.basic(server.httpBase(), "admin", TestServer.ADMIN_PASSWORD);
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"fleet\"}");
        admin.expect(201, "POST", "/api/v1/teams/fleet/applications", "{\"name\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/fleet/instances",
                "{\"name\":\"dev\",\"application\":\"line\",\"credentialSecret\":\"" + DEV_SECRET + "\"}");
        admin.expect(201, "POST", "/api/v1/teams/fleet/groups",
                "{\"name\":\"pis\",\"application\":\"line\",\"credentialSecret\":\"" + FLEET_SECRET + "\"}");
        String token = admin.expect(201, "POST", "/api/v1/teams/fleet/devices", "{\"name\":\"pi-1\",\"application\":"
                + "\"line\",\"group\":\"pis\",\"credentialSecret\":\"" + FLEET_SECRET + "\"}").get("token").asText();
        admin.expect(201, "POST", "/api/v1/teams/fleet/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"dev","instance":"dev"},{"name":"pis","group":"pis"}]}""");

        GitCli git = new GitCli(tmp.resolve("home"));
        Path work = tmp.resolve("dev");
        git.ok(tmp, "clone", "-q", "http://admin:" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:" + server.httpPort()
                + "/git/fleet/dev.git", work.toString());
        pushFlows(git, work, "one", "first-password");

        // no credentialSecret of its own that matches the device's: Node-RED keeps credentials under its own
        nodeRed = NodeRedRunner.start(tmp.resolve("node-red"), "\"node-red-own-secret\"");
        String tlsFingerprint = sha256(server.tlsCertificate());
        String keyFingerprint = ApiClient.anonymous(server.httpBase()).get("/api/v1/signing-key").raw().headers()
                .firstValue("X-Flowstage-Key-Fingerprint").orElseThrow();
        Path config = tmp.resolve("agent/config.json");
        Process init = agent("init", "init", "--server", server.httpsBase(), "--device", "fleet/pi-1", "--token", token,
                "--node-red", nodeRed.base().toString(), "--node-red-user-dir", nodeRed.userDir().toString(),
                "--tls-fingerprint", tlsFingerprint, "--signing-key-fingerprint", keyFingerprint,
                "--config", config.toString());
        assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(init.exitValue()).as(log("init")).isZero();
        JsonNode written = JSON.readTree(config.toFile());
        assertThat(written.path("tls").path("pinnedSha256").asText()).isEqualToIgnoringCase(tlsFingerprint);
        assertThat(written.path("git").path("url").asText()).startsWith(server.httpsBase() + "/git/fleet/pi-1");
        agents.add(agent("run", "run", "--config", config.toString(), "--watch", "--watch-timeout", "60",
                "--max-backoff", "2"));
        // the agent is waiting on its watch before anything is deployed
        await().atMost(WAIT).until(() -> watchers(admin) >= 1);

        String first = deploy(admin);
        awaitRunning(admin, first);
        assertThat(flowIds()).contains("t1", "b1", "n-one");
        JsonNode creds = JSON.readTree(nodeRed.get("/credentials/mqtt-broker/b1").body());
        assertThat(creds.path("user").asText()).isEqualTo("mqtt-user");
        assertThat(creds.path("has_password").asBoolean()).as(creds.toString()).isTrue();
        assertThat(creds.has("password")).as("Node-RED never shows a password").isFalse();

        // SIGKILL while the agent waits on its watch; it notices, and the server comes back on the same ports
        await().atMost(WAIT).until(() -> watchers(admin) >= 1);
        server.kill9();
        await().atMost(WAIT).until(() -> log("run").contains("is not reachable"));
        server.start();
        await("the agent watches the restarted server").atMost(WAIT).until(() -> watchers(admin) >= 1);

        pushFlows(git, work, "two", "second-password");
        String second = deploy(admin);
        assertThat(second).isNotEqualTo(first);
        awaitRunning(admin, second);
        assertThat(flowIds()).contains("n-two").doesNotContain("n-one");
        assertThat(JSON.readTree(nodeRed.get("/credentials/mqtt-broker/b1").body()).path("has_password").asBoolean())
                .isTrue();
        assertThat(log("run").lines().filter(l -> l.contains("deployed commit")).toList())
                .as(log("run")).hasSize(2);
    }

    /** Flows with an mqtt-broker config node whose user and password are in flows_cred.json, for dev's secret. */
    private static void pushFlows(GitCli git, Path work, String name, String password) throws IOException {
        Files.writeString(work.resolve("flows.json"), """
                [{"id":"t1","type":"tab","label":"Deployed by Flowstage"},
                 {"id":"b1","type":"mqtt-broker","name":"broker","broker":"127.0.0.1","port":"1883","autoConnect":false},
                 {"id":"n-%s","type":"inject","z":"t1","name":"%s","repeat":"","once":false,"wires":[[]]}]
                """.formatted(name, name));
        ObjectNode creds = JSON.createObjectNode();
        creds.putObject("b1").put("user", "mqtt-user").put("password", password);
        Files.write(work.resolve("flows_cred.json"), NodeRedCredentials.encrypt(creds, DEV_SECRET));
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", "flows " + name);
        git.ok(work, "push", "-q", "origin", "HEAD:main");
    }

    /** Runs the pipeline from dev into the group; returns the group's new main. */
    private static String deploy(ApiClient admin) {
        String id = admin.expect(202, "POST", "/api/v1/teams/fleet/pipelines/line-1/stages/dev/deploy", "{}").json()
                .path("run").path("id").asText();
        JsonNode run = await().atMost(WAIT).until(
                () -> admin.get("/api/v1/teams/fleet/pipelines/line-1/runs/" + id).json(),
                r -> !List.of("queued", "running").contains(r.path("status").asText()));
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        String group = run.path("targetAfter").asText();
        assertThat(group).matches("[0-9a-f]{40}");
        return group;
    }

    private void awaitRunning(ApiClient admin, String commit) throws IOException {
        JsonNode device = await().atMost(WAIT).until(() -> admin.get("/api/v1/teams/fleet/devices/pi-1").json(),
                d -> commit.equals(d.path("activeCommit").asText())
                        || commit.equals(d.path("reportedCommit").asText()) && "error".equals(d.path("state").asText()));
        assertThat(device.path("state").asText()).as(device + "\n" + log("run")).isEqualTo("running");
        assertThat(device.path("activeCommit").asText()).isEqualTo(commit);
        assertThat(device.path("targetCommit").asText()).as("the group's main is the device's main").isEqualTo(commit);
    }

    private static int watchers(ApiClient admin) {
        for (String line : admin.get("/metrics").body().lines().toList()) {
            if (line.startsWith("flowstage_device_watchers")) {
                return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private List<String> flowIds() throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(nodeRed.get("/flows").body()).forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    /** The certificate's SHA-256 fingerprint as the server prints it: colon-separated upper-case hex. */
    private static String sha256(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest).toUpperCase(Locale.ROOT);
        }
    }

    private Process agent(String logName, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("flowstage.agent.jar", "../agent/target/flowstage-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the agent jar first (mvn -pl agent -am package): " + jar);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("agent-" + logName + ".log").toFile()).start();
    }

    private String log(String name) throws IOException {
        Path log = tmp.resolve("agent-" + name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
