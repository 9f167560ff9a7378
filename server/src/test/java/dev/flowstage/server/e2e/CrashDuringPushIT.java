package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.ServerProcess;
import dev.flowstage.server.testing.TestServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the server while a large push is being received: after a restart the
 * repository is consistent ({@code git fsck}) and {@code main} is at the old or the new commit.
 */
class CrashDuringPushIT {
    @TempDir
    Path tmp;

    @Test
    void killNineMidPushLeavesMainAtOldOrNewCommit() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        GitCli git = new GitCli(tmp.resolve("home"));
        try (ServerProcess server = new ServerProcess(data, tmp.resolve("server.log"))) {
            server.start();
            ApiClient admin = ApiClient.basic(server.httpBase(), "admin", TestServer.ADMIN_PASSWORD);
            admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/applications", "{\"name\":\"line\"}");
            admin.expect(201, "POST", "/api/v1/teams/acme/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
            String url = "http://admin:" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:" + server.httpPort() + "/git/acme/dev.git";

            Path work = tmp.resolve("work");
            git.ok(tmp, "clone", url, work.toString());
            Files.writeString(work.resolve("flows.json"), "[]\n");
            git.ok(work, "add", "flows.json");
            git.ok(work, "commit", "-q", "-m", "Old");
            git.ok(work, "push", "-q", "origin", "main");
            String oldCommit = git.ok(work, "rev-parse", "HEAD").trim();

            // A big, incompressible push so the kill lands while the pack is on the wire.
            Random random = new Random(42);
            for (int i = 0; i < 6; i++) {
                try (OutputStream out = Files.newOutputStream(work.resolve("blob-" + i + ".bin"))) {
                    byte[] buf = new byte[1 << 20];
                    for (int mb = 0; mb < 4; mb++) {
                        random.nextBytes(buf);
                        out.write(buf);
                    }
                }
            }
            git.ok(work, "add", ".");
            git.ok(work, "commit", "-q", "-m", "New");
            String newCommit = git.ok(work, "rev-parse", "HEAD").trim();

            CompletableFuture<ProcessResult> push = CompletableFuture.supplyAsync(() -> git.run(work, "push", "origin", "main"));
            Path repo = data.resolve("repos/acme/dev.git");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!receiving(repo) && !push.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            server.kill9();
            push.join();

            server.start();
            ProcessResult fsck = git.run(repo, "fsck", "--full", "--no-dangling");
            assertThat(fsck.ok()).as(fsck.toString()).isTrue();
            String main = git.ok(repo, "rev-parse", "refs/heads/main").trim();
            assertThat(main).isIn(oldCommit, newCommit);

            // And the server still takes the push afterwards.
            git.ok(work, "push", "-q", "origin", "main");
            assertThat(git.ok(repo, "rev-parse", "refs/heads/main").trim()).isEqualTo(newCommit);
        }
    }

    /** JGit writes an incoming pack to a temporary file in objects/pack while receiving. */
    private static boolean receiving(Path repo) throws Exception {
        Path packs = repo.resolve("objects/pack");
        if (!Files.isDirectory(packs)) {
            return false;
        }
        try (Stream<Path> s = Files.list(packs)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("incoming_"));
        }
    }
}
