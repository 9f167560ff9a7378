package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcQueueTest {
    @TempDir
    Path data;

    @Test
    void repacksWithBitmapAndCommitGraphAfterNPushes() throws Exception {
        try (GcQueue gc = new GcQueue(3, Duration.ofHours(1))) {
            gc.start();
            LocalRepoStore store = new LocalRepoStore(data, gc);
            RepoName name = new RepoName("team", "dev");
            try (Repository repo = store.create(name)) {
                for (int i = 0; i < 3; i++) {
                    TestCommits.commit(repo, "refs/heads/main", "flows.json", "[" + i + "]");
                    assertFalse(hasBitmap(store.path(name)), "no gc before the 3rd push");
                    store.pushed(name);
                }
            }
            await(() -> gc.completed() == 1);
            Path dir = store.path(name);
            assertTrue(hasBitmap(dir), "pack bitmap written");
            assertTrue(Files.exists(dir.resolve("objects/info/commit-graph")), "commit-graph written");
            assertEquals(0, gc.failed());
        }
    }

    @Test
    void aRepositoryIsNotCollectedAgainBeforeAHundredTimesItsLastGcTookHasPassed() throws Exception {
        AtomicLong now = new AtomicLong();
        // every reading of the clock moves it 1 ms on, so a gc "takes" a few ms however fast it really is
        try (GcQueue gc = new GcQueue(1, Duration.ofHours(1), () -> now.addAndGet(1_000_000))) {
            gc.start();
            LocalRepoStore store = new LocalRepoStore(data, gc);
            RepoName name = new RepoName("team", "dev");
            try (Repository repo = store.create(name)) {
                TestCommits.commit(repo, "refs/heads/main", "flows.json", "[0]");
            }
            store.pushed(name);
            await(() -> gc.completed() == 1);
            try (Repository repo = store.open(name)) {
                TestCommits.commit(repo, "refs/heads/main", "flows.json", "[1]");
            }
            store.pushed(name); // within 100 x the last gc's few ms: counted, not queued
            assertEquals(0, gc.pending(), "pushed() decides at once; nothing queued means no gc follows");
            assertEquals(1, gc.completed());
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            store.pushed(name);
            await(() -> gc.completed() == 2);
            assertEquals(0, gc.failed());
        }
    }

    @Test
    void periodicSweepRepacksReposPushedSinceLastGc() throws Exception {
        try (GcQueue gc = new GcQueue(1000, Duration.ofMillis(100))) {
            LocalRepoStore store = new LocalRepoStore(data, gc);
            RepoName pushed = new RepoName("team", "a");
            RepoName idle = new RepoName("team", "b");
            try (Repository repo = store.create(pushed); Repository other = store.create(idle)) {
                TestCommits.commit(repo, "refs/heads/main", "f", "1");
                TestCommits.commit(other, "refs/heads/main", "f", "1");
            }
            store.pushed(pushed);
            gc.start();
            await(() -> gc.completed() == 1);
            assertTrue(hasBitmap(store.path(pushed)));
            // the sweep only takes repos pushed since their last gc, so nothing else runs: the worker gcs
            // what a sweep queued before it sweeps again, so two more sweeps would have shown any
            long seen = gc.sweeps();
            await(() -> gc.sweeps() >= seen + 2);
            assertEquals(1, gc.completed());
            assertFalse(hasBitmap(store.path(idle)));
        }
    }

    @Test
    void deletedRepoIsSkippedAndCloseStopsTheWorker() throws Exception {
        GcQueue gc = new GcQueue(1, Duration.ofHours(1));
        gc.start();
        assertTrue(gc.isRunning());
        gc.pushed(data.resolve("team/gone.git"));
        gc.close();
        await(() -> !gc.isRunning());
        assertEquals(0, gc.failed());
    }

    @Test
    void refusesNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new GcQueue(0, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> new GcQueue(1, Duration.ZERO));
    }

    private static boolean hasBitmap(Path gitDir) throws IOException {
        Path pack = gitDir.resolve("objects/pack");
        if (!Files.isDirectory(pack)) {
            return false;
        }
        try (Stream<Path> s = Files.list(pack)) {
            return s.anyMatch(p -> p.toString().endsWith(".bitmap"));
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), "condition not reached within 30 s");
    }
}
