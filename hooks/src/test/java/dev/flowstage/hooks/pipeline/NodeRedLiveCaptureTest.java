package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.nodered.FlowCapture;
import dev.flowstage.hooks.nodered.InstanceStatusStore;
import dev.flowstage.hooks.nodered.NodeRedClients;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRedLiveCaptureTest {
    private static final String LIVE = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Live\"}]";

    @TempDir
    Path dir;
    private PipelineFixture f;
    private HttpServer nodeRed;
    private PipelineEngine engine;
    private OutboundHttp outbound;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        nodeRed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        nodeRed.createContext("/flows", ex -> {
            byte[] body = ("{\"rev\":\"1\",\"flows\":" + LIVE + "}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        nodeRed.start();
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")), Duration.ofSeconds(5));
        FlowCapture capture = new FlowCapture(f.repos, new NodeRedClients(f.secrets, outbound, Duration.ofSeconds(5)),
                new InstanceStatusStore(f.repos), MainMovedListener.NONE, f.clock);
        engine = f.engine(MainMovedListener.NONE, new NodeRedLiveCapture(f.teams, capture, f.clock));
        f.line("queue", "create_snapshot");
    }

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        outbound.close();
        nodeRed.stop(0);
        f.close();
    }

    @Test
    void createSnapshotCapturesTheLiveFlowsAndPromotesThem() throws Exception {
        ObjectId before = f.commit("dev", PipelineFixture.flows("[]"), "dev");
        live("http://127.0.0.1:" + nodeRed.getAddress().getPort() + "/");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertNotEquals(before, f.main("dev"), "the live flows were committed on dev's main");
        assertEquals(f.main("dev").name(), done.sourceCommit());
        try (Repository repo = f.repos.open(new RepoName("acme", "dev"))) {
            assertEquals(f.main("dev"), repo.getRefDatabase().peel(repo.exactRef("refs/tags/pipeline-run-" + done.id()))
                    .getPeeledObjectId());
        }
        assertTrue(f.snapshot("qa", f.main("qa")).text("flows.json").orElseThrow().contains("\"Live\""));
        assertTrue(done.log().stream().anyMatch(l -> l.message().startsWith("Captured the live flows of dev as ")),
                done.log().toString());
    }

    @Test
    void aNodeRedThatCannotBeReadFailsTheRunWithTheReason() throws Exception {
        f.commit("dev", PipelineFixture.flows("[]"), "dev");
        live("http://127.0.0.1:1/");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.FAILED, done.status());
        assertTrue(done.error().startsWith("cannot capture the live flows of instance 'dev': "), done.error());
        assertEquals(null, f.main("qa"));
    }

    private void live(String url) {
        f.teams.edit("acme", "olga", "live dev", c -> {
            Target dev = c.targets().get("dev");
            return c.withTarget("dev", new Target(dev.kind(), dev.name(), dev.application(), false,
                    new NodeRedLink(url, null), dev.sealedCredentialSecret(), null, null, dev.createdAt()));
        });
    }

    @Test
    void whatNodeRedAnswersNeverReachesTheRunOrItsLog() throws Exception {
        String leaked = "DB_PASSWORD=from-an-internal-service";
        nodeRed.createContext("/internal/flows", ex -> {
            byte[] body = ("<pre>" + leaked + "</pre>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        f.commit("dev", PipelineFixture.flows("[]"), "dev");
        live("http://127.0.0.1:" + nodeRed.getAddress().getPort() + "/internal/");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.FAILED, done.status());
        assertTrue(done.error().endsWith("answered 500 Internal Server Error while reading the flows"), done.error());
        assertFalse(done.toString().contains(leaked), done.toString());
        assertFalse(done.log().toString().contains(leaked), done.log().toString());
    }

    @Test
    void aNodeRedAtAMetadataAddressIsNeverCalled() throws Exception {
        f.commit("dev", PipelineFixture.flows("[]"), "dev");
        live("http://169.254.169.254/latest/");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.FAILED, done.status());
        assertTrue(done.error().contains("address 169.254.169.254 is not allowed for outbound calls (cloud metadata)"),
                done.error());
    }
}
