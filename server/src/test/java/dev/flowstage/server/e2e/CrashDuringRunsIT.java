package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.ServerProcess;
import dev.flowstage.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the server while a queue of pipeline runs is being worked off: after a restart
 * no run is lost or stuck, each ended succeeded or failed, the queued ones went on, and the target
 * repository is consistent with main at a promoted commit.
 */
class CrashDuringRunsIT {
    private static final Set<String> PENDING = Set.of("queued", "running", "awaiting_approval");

    @TempDir
    Path tmp;

    @Test
    void killNineDuringQueuedRunsLosesNoRun() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        GitCli git = new GitCli(tmp.resolve("home"));
        int deploys = 20;
        List<String> ids = new ArrayList<>();
        try (ServerProcess server = new ServerProcess(data, tmp.resolve("server.log"))) {
            server.start();
            ApiClient admin = ApiClient.basic(server.httpBase(), "admin", TestServer.ADMIN_PASSWORD);
            admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/applications", "{\"name\":\"line\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/instances", "{\"name\":\"qa\",\"application\":\"line\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/pipelines", """
                    {"name":"p","application":"line","concurrency":"queue","stages":[
                      {"name":"dev","instance":"dev"},{"name":"qa","instance":"qa"}]}""");
            Path work = tmp.resolve("dev");
            git.ok(tmp, "clone", "http://admin:" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:" + server.httpPort()
                    + "/git/acme/dev.git", work.toString());
            Files.writeString(work.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\"}]\n");
            git.ok(work, "add", ".");
            git.ok(work, "commit", "-q", "-m", "flows");
            git.ok(work, "push", "-q", "origin", "HEAD:main");

            for (int i = 0; i < deploys; i++) {
                ids.add(admin.expect(202, "POST", "/api/v1/teams/acme/pipelines/p/stages/dev/deploy", "{}")
                        .json().path("run").path("id").asText());
            }
            // Kill as soon as the queue is being worked off, so some runs are done and some are not.
            for (int i = 0; i < 400 && count(admin, "succeeded") == 0; i++) {
                Thread.sleep(5);
            }
            server.kill9();

            server.start();
            JsonNode runs = null;
            for (int i = 0; i < 600; i++) {
                runs = admin.get("/api/v1/teams/acme/pipelines/p/runs?limit=100").json().path("items");
                boolean pending = false;
                for (JsonNode r : runs) {
                    pending |= PENDING.contains(r.path("status").asText());
                }
                if (!pending) {
                    break;
                }
                Thread.sleep(100);
            }
            List<String> seen = new ArrayList<>();
            String log = Files.readString(tmp.resolve("server.log"));
            for (JsonNode r : runs) {
                seen.add(r.path("id").asText());
                assertThat(r.path("status").asText()).as(r + "\n--- server log:\n" + log).isIn("succeeded", "failed");
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(count(admin, "succeeded")).as("queued runs went on after the restart").isGreaterThan(1);

            Path qa = data.resolve("repos/acme/qa.git");
            ProcessResult fsck = git.run(qa, "fsck", "--full", "--no-dangling");
            assertThat(fsck.ok()).as(fsck.toString()).isTrue();
            assertThat(git.ok(qa, "log", "-1", "--format=%s", "refs/heads/main")).startsWith("Promote dev@");
        }
    }

    private static long count(ApiClient admin, String status) {
        JsonNode items = admin.get("/api/v1/teams/acme/pipelines/p/runs?limit=100").json().path("items");
        long n = 0;
        for (JsonNode r : items) {
            if (status.equals(r.path("status").asText())) {
                n++;
            }
        }
        return n;
    }
}
