package dev.flowstage.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * {@code --install-modules}: a snapshot whose package.json needs a module Node-RED lacks gets it installed
 * from the npm registry into the user dir and loaded into the running Node-RED before the deploy.
 */
class ModuleInstallIT {
    private static final String MODULE = "node-red-node-random";
    private static final String VERSION = "0.4.1";

    @TempDir
    Path dir;

    @Test
    void installsAndLoadsAMissingModuleBeforeDeploying() throws Exception {
        TestSigner signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        List<Process> processes = new ArrayList<>();
        try (FakeFlowstageServer server = new FakeFlowstageServer(dir, signer.armoredPublicKey());
                NodeRedRunner nodeRed = NodeRedRunner.start(dir.resolve("node-red"), "\"own\"")) {
            Path config = dir.resolve("agent/config.json");
            Process init = start(processes, "init", "init", "--server", server.url(), "--device", "team/pi-1", "--token",
                    server.token(), "--node-red", nodeRed.base().toString(), "--node-red-user-dir",
                    nodeRed.userDir().toString(), "--install-modules", "--config", config.toString());
            assertThat(init.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(init.exitValue()).as(Files.readString(dir.resolve("init.log"))).isZero();
            assertThat(nodeRed.get("/nodes/" + MODULE).statusCode()).isEqualTo(404);

            String flows = "[{\"id\":\"t1\",\"type\":\"tab\"},"
                    + "{\"id\":\"r1\",\"type\":\"random\",\"z\":\"t1\",\"low\":1,\"high\":6,\"inte\":\"true\",\"wires\":[[]]}]";
            Snapshot s = Snapshot.EMPTY.with("flows.json", flows)
                    .with("package.json", "{\"name\":\"pi\",\"dependencies\":{\"" + MODULE + "\":\"" + VERSION + "\"}}");
            ObjectId c1;
            try (ObjectInserter ins = server.repository().newObjectInserter()) {
                ObjectId tree = SnapshotWriter.insertTree(ins, s);
                ins.flush();
                c1 = signer.signedCommit(server.repository(), tree, null, "needs a module\n");
            }
            server.setMain(c1);
            start(processes, "run", "run", "--config", config.toString(), "--watch-timeout", "5");

            JsonNode report = await().atMost(Duration.ofMinutes(5)).until(() -> server.reports().stream()
                    .filter(r -> r.path("commit").asText().equals(c1.name())).findFirst().orElse(null), r -> r != null);
            assertThat(report.path("state").asText()).as(report.toString()).isEqualTo("running");
            assertThat(report.path("modules").path(MODULE).asText()).isEqualTo(VERSION);
            assertThat(nodeRed.userDir().resolve("node_modules/" + MODULE + "/package.json")).exists();
            assertThat(nodeRed.get("/nodes/" + MODULE).statusCode()).isEqualTo(200);
            assertThat(nodeRed.get("/flows").body()).contains("\"r1\"");
        } finally {
            for (Process p : processes) {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            for (String name : List.of("init", "run")) {
                Path log = dir.resolve(name + ".log");
                if (Files.exists(log)) {
                    System.out.println("---- agent " + name + " log\n" + Files.readString(log));
                }
            }
        }
    }

    private Process start(List<Process> processes, String logName, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("flowstage.agent.jar", "target/flowstage-agent.jar")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(logName + ".log").toFile()).start();
        processes.add(p);
        return p;
    }
}
