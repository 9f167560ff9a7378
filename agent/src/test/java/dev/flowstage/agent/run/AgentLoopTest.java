package dev.flowstage.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.git.GitAccess;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.agent.nodered.NodeRedException;
import dev.flowstage.agent.testing.FakeFlowstageServer;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.agent.tls.CertificateFingerprint;
import dev.flowstage.agent.tls.ServerTrust;
import dev.flowstage.agent.verify.CommitSignatureVerifier;
import dev.flowstage.agent.verify.ServerSigningKey;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One round of the loop against the stand-in server and a scripted Node-RED Admin API: the request a deploy
 * sends, and what is reported, retried or not retried when Node-RED fails in each way.
 */
class AgentLoopTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestSigner signer;
    private FakeFlowstageServer server;
    private HttpServer nodeRed;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private GitAccess access;
    private DeviceRepository repo;
    private AgentLoop loop;

    @BeforeEach
    void setUp() throws Exception {
        signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        server = new FakeFlowstageServer(dir, signer.armoredPublicKey());
        nodeRed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        nodeRed.createContext("/flows", exchange -> {
            headers.add(exchange.getRequestHeaders().getFirst("Node-RED-Deployment-Type") + " "
                    + exchange.getRequestHeaders().getFirst("Node-RED-API-Version"));
            posted.add(JSON.readTree(exchange.getRequestBody()));
            int s = status.get();
            byte[] body = (s == 200 ? "{\"rev\":\"abc\"}" : "{\"code\":\"unexpected_error\",\"message\":\"no\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(s, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        nodeRed.start();
        ServerTrust trust = ServerTrust.pinned(CertificateFingerprint.of(server.certificate().certificate()));
        AgentConfig cfg = new AgentConfig(server.url(), "team", "pi-1", server.token(), null,
                new AgentConfig.Git(server.url() + "/git/team/pi-1.git", null, null), null, null, null);
        access = GitAccess.from(cfg, trust);
        repo = DeviceRepository.open(dir.resolve("state"), access);
        DeviceApi api = new DeviceApi(URI.create(server.url()), server.token(), trust);
        SnapshotDeployer deployer = new SnapshotDeployer(repo,
                new CommitSignatureVerifier(ServerSigningKey.parse(signer.armoredPublicKey())), api,
                new NodeRedAdmin("http://127.0.0.1:" + nodeRed.getAddress().getPort(), "nr-token", null, null), null);
        loop = new AgentLoop(repo, api, deployer, new AgentLoop.Schedule(false, Duration.ofSeconds(1), 1),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new Random(1)));
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeRed.stop(0);
        repo.close();
        access.close();
        server.close();
    }

    @Test
    void aDeployPostsTheFlowsWithCredentialsInFullAndReportsRunning() throws Exception {
        ObjectId c1 = deploy("one");
        loop.round();
        assertThat(headers).containsExactly("full v2");
        JsonNode body = posted.get(0);
        assertThat(body.path("flows").get(1).path("credentials").path("password").asText()).isEqualTo("secret-one");
        assertThat(repo.ref(DeviceRepository.APPLIED)).isEqualTo(c1);
        assertThat(lastReport().path("state").asText()).isEqualTo("running");
        assertThat(lastReport().path("commit").asText()).isEqualTo(c1.name());

        loop.round(); // nothing moved: no second deploy, no second report
        assertThat(posted).hasSize(1);
        assertThat(server.reports()).hasSize(1);
    }

    @Test
    void aRejectionIsReportedOnceAndNotRetriedUntilMainMoves() throws Exception {
        status.set(400);
        ObjectId c1 = deploy("one");
        loop.round();
        assertThat(lastReport().path("state").asText()).isEqualTo("error");
        assertThat(lastReport().path("message").asText()).isEqualTo("Node-RED rejected commit " + c1.name().substring(0, 12)
                + ": Node-RED at http://127.0.0.1:" + nodeRed.getAddress().getPort()
                + "/ refused deploying the flows (400, unexpected_error: no); it keeps running what it ran before");
        loop.round();
        assertThat(posted).hasSize(1);
        assertThat(repo.ref(DeviceRepository.APPLIED)).isNull();

        status.set(200);
        ObjectId c2 = deploy("two");
        loop.round();
        assertThat(repo.ref(DeviceRepository.APPLIED)).isEqualTo(c2);
        assertThat(lastReport().path("state").asText()).isEqualTo("running");
    }

    @Test
    void aFailingNodeRedIsReportedAndRetried() throws Exception {
        status.set(500);
        ObjectId c1 = deploy("one");
        assertThatThrownBy(loop::round).isInstanceOf(NodeRedException.class).hasMessageContaining("(500");
        assertThat(lastReport().path("state").asText()).isEqualTo("error");
        status.set(200);
        loop.round();
        assertThat(posted).hasSize(2);
        assertThat(repo.ref(DeviceRepository.APPLIED)).isEqualTo(c1);
        assertThat(lastReport().path("state").asText()).isEqualTo("running");
    }

    @Test
    void aNodeRedThatIsAwayIsReportedStoppedAndRetried() throws Exception {
        deploy("one");
        nodeRed.stop(0);
        assertThatThrownBy(loop::round).isInstanceOf(NodeRedException.class).hasMessageContaining("is not reachable");
        assertThat(lastReport().path("state").asText()).isEqualTo("stopped");
        assertThat(repo.ref(DeviceRepository.APPLIED)).isNull();
        assertThat(repo.ref(DeviceRepository.FETCHED)).isNotNull();
    }

    private ObjectId deploy(String name) throws Exception {
        ObjectNode creds = JSON.createObjectNode();
        creds.putObject("b1").put("password", "secret-" + name);
        Snapshot s = Snapshot.EMPTY.with("flows.json", "[{\"id\":\"t1\",\"type\":\"tab\"},{\"id\":\"b1\",\"type\":\"mqtt-broker\"},"
                        + "{\"id\":\"n-" + name + "\",\"type\":\"inject\",\"z\":\"t1\"}]")
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, FakeFlowstageServer.CREDENTIAL_SECRET));
        ObjectId parent = server.repository().resolve("refs/heads/main");
        ObjectId commit;
        try (ObjectInserter ins = server.repository().newObjectInserter()) {
            ObjectId tree = SnapshotWriter.insertTree(ins, s);
            ins.flush();
            commit = signer.signedCommit(server.repository(), tree, parent, name + "\n");
        }
        server.setMain(commit);
        return commit;
    }

    private JsonNode lastReport() {
        List<JsonNode> reports = server.reports();
        assertThat(reports).isNotEmpty();
        return reports.get(reports.size() - 1);
    }
}
