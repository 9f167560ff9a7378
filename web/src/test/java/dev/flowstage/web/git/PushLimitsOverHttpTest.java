package dev.flowstage.web.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size limits with small values, so that both the pack limit and the file limit can be crossed cheaply. */
class PushLimitsOverHttpTest {
    @TempDir
    static Path tmp;
    private static GitServerFixture server;

    @BeforeAll
    static void start() throws Exception {
        server = new GitServerFixture(tmp, new GitLimits(1L << 20, 256L << 10, Duration.ofMinutes(1)), MainMovedListener.NONE);
        server.seedMain("dev", Snapshot.EMPTY.with("flows.json", "[]\n"), "first snapshot");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aPushOverTheLimitIsRefusedWithTheLimit() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        for (int i = 0; i < 8; i++) {
            Files.write(work.resolve("part-" + i + ".bin"), random(200 << 10, i));
        }
        server.commitAll(work, "many parts");
        ObjectId before = server.ref("dev", "refs/heads/main");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: this push is larger than 1 MiB, the server's limit (--max-push-size);"
                + " push fewer or smaller files at a time"), push.output());
        assertEquals(before, server.ref("dev", "refs/heads/main"));
    }

    @Test
    void aFileOverTheLimitIsNamedWithItsSize() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.createDirectories(work.resolve("assets"));
        Files.write(work.resolve("assets/logo.png"), random((256 << 10) + 1, 99));
        server.commitAll(work, "a logo");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/heads/assets");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: assets/logo.png is 256.1 KiB; files larger than 256 KiB are refused"),
                push.output());
        assertEquals(null, server.ref("dev", "refs/heads/assets"));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
