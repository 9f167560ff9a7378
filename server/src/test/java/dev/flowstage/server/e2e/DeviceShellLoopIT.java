package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code git fetch} + {@code curl} loop of docs/device-api.md, run as written with bash against the
 * real server (URLs swapped for the test's), with a stand-in for Node-RED's {@code POST /flows}.
 */
@ExtendWith(FlowstageExtension.class)
class DeviceShellLoopIT {
    @Test
    void theDocumentedLoopDeploysEachNewCommitAndReportsIt(TestServer server) throws Exception {
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"shell\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/shell/applications", "{\"name\":\"line\"}");
        String token = DeviceFleet.create(server, "shell", "line", "pi", null);
        String first = DeviceFleet.deploy(server, "shell", "pi", "first");

        List<String> deployed = new CopyOnWriteArrayList<>();
        HttpServer nodeRed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        nodeRed.createContext("/flows", exchange -> {
            deployed.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        nodeRed.start();
        Path dir = Files.createDirectories(server.workDir().resolve("shell-loop"));
        Process loop = null;
        try {
            String script = documentedLoop()
                    .replace("https://git.example.com:8443", server.httpBase())
                    .replace("acme/pi-1", "shell/pi")
                    .replace("http://127.0.0.1:1880", "http://127.0.0.1:" + nodeRed.getAddress().getPort());
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("loop.log").toFile());
            pb.environment().put("DEVICE_TOKEN", token);
            pb.environment().put("HOME", dir.toString());
            pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            loop = pb.start();

            awaitRunning(server, first, dir);
            assertThat(deployed).anyMatch(f -> f.contains("\"first\""));
            String second = DeviceFleet.deploy(server, "shell", "pi", "second");
            awaitRunning(server, second, dir);
            assertThat(deployed.get(deployed.size() - 1)).contains("\"second\"");
        } finally {
            if (loop != null) {
                loop.descendants().forEach(ProcessHandle::destroy);
                loop.destroy();
            }
            nodeRed.stop(0);
        }
    }

    private static void awaitRunning(TestServer server, String commit, Path dir) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode d = DeviceFleet.get(server, "shell", "devices", "pi");
                return commit.equals(d.path("activeCommit").asText()) && "running".equals(d.path("state").asText());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the loop did not report " + commit + "; its output:\n"
                    + Files.readString(dir.resolve("loop.log")), e);
        }
    }

    /** The ```sh block of the section on devices without Java. */
    private static String documentedLoop() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "device-api.md"));
        int section = doc.indexOf("## A device without Java");
        int start = doc.indexOf("```sh\n", section) + "```sh\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }
}
