package dev.flowstage.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.agent.testing.FakeFlowstageServer;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git + curl loop of docs/agent.md ({@code agent/flowstage-fetch-loop.sh}) deploys each new main to a real Node-RED. */
class FetchLoopScriptIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theShellLoopFollowsMain() throws Exception {
        TestSigner signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        try (FakeFlowstageServer server = new FakeFlowstageServer(dir, signer.armoredPublicKey());
                NodeRedRunner nodeRed = NodeRedRunner.start(dir.resolve("node-red"), "\"own\"")) {
            Path ca = dir.resolve("server.pem");
            Files.writeString(ca, server.certificate().pem());
            ObjectId c1 = commit(server, signer, "one", null);
            server.setMain(c1);
            ProcessBuilder pb = new ProcessBuilder("sh", Path.of("flowstage-fetch-loop.sh").toAbsolutePath().toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("loop.log").toFile());
            pb.environment().putAll(java.util.Map.of("FLOWSTAGE", server.url(), "DEVICE", "team/pi-1",
                    "TOKEN", server.token(), "CA", ca.toString(), "NODE_RED", nodeRed.base().toString()));
            Process loop = pb.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> ids(nodeRed).contains("n-one"));
                ObjectId c2 = commit(server, signer, "two", c1);
                server.setMain(c2);
                await().atMost(Duration.ofSeconds(60)).until(() -> ids(nodeRed).contains("n-two"));
                assertThat(ids(nodeRed)).doesNotContain("n-one");
            } finally {
                loop.destroy();
                loop.waitFor(10, TimeUnit.SECONDS);
                System.out.println("---- loop log\n" + Files.readString(dir.resolve("loop.log")));
            }
        }
    }

    private static ObjectId commit(FakeFlowstageServer server, TestSigner signer, String name, ObjectId parent) throws Exception {
        String flows = "[{\"id\":\"t1\",\"type\":\"tab\"},{\"id\":\"n-" + name + "\",\"type\":\"inject\",\"z\":\"t1\",\"wires\":[[]]}]";
        try (ObjectInserter ins = server.repository().newObjectInserter()) {
            ObjectId tree = SnapshotWriter.insertTree(ins, Snapshot.EMPTY.with("flows.json", flows));
            ins.flush();
            return signer.signedCommit(server.repository(), tree, parent, name + "\n");
        }
    }

    private static List<String> ids(NodeRedRunner nodeRed) throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(nodeRed.get("/flows").body()).forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }
}
