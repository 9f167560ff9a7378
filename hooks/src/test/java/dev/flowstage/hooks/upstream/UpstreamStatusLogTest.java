package dev.flowstage.hooks.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The statuses on refs/meta/upstream: group-committed writes that all arrive, and reads that follow the ref. */
class UpstreamStatusLogTest {
    @TempDir
    Path tmp;

    @Test
    void concurrentWritesAllReachTheRef() throws Exception {
        try (UpstreamFixture f = new UpstreamFixture(tmp.resolve("data"), Duration.ofSeconds(5))) {
            UpstreamStatusLog log = new UpstreamStatusLog(f.repos, f.clock);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String instance = "i" + i;
                String error = "failed: number " + i;
                done.add(pool.submit(() -> log.write(UpstreamFixture.TEAM, instance,
                        UpstreamStatus.initial().withState(UpstreamState.ERROR, error))));
            }
            for (Future<?> d : done) {
                d.get();
            }
            pool.shutdown();

            UpstreamStatusLog restarted = new UpstreamStatusLog(f.repos, f.clock);
            for (int i = 0; i < 200; i++) {
                assertEquals("failed: number " + i, restarted.read(UpstreamFixture.TEAM, "i" + i).orElseThrow().error());
            }
        }
    }

    @Test
    void aReadFollowsTheRefWhenItWasWrittenElsewhere() throws Exception {
        try (UpstreamFixture f = new UpstreamFixture(tmp.resolve("data"), Duration.ofSeconds(5))) {
            UpstreamStatusLog one = new UpstreamStatusLog(f.repos, f.clock);
            UpstreamStatusLog other = new UpstreamStatusLog(f.repos, f.clock);
            one.write(UpstreamFixture.TEAM, "line", UpstreamStatus.initial().withState(UpstreamState.ERROR, "first"));
            assertEquals("first", other.read(UpstreamFixture.TEAM, "line").orElseThrow().error());

            other.write(UpstreamFixture.TEAM, "line", UpstreamStatus.initial().withState(UpstreamState.ERROR, "second"));

            assertEquals("second", one.read(UpstreamFixture.TEAM, "line").orElseThrow().error());
            one.write(UpstreamFixture.TEAM, "safe", UpstreamStatus.initial().withState(UpstreamState.ERROR, "third"));
            assertEquals("second", new UpstreamStatusLog(f.repos, f.clock).read(UpstreamFixture.TEAM, "line")
                    .orElseThrow().error(), "the other's write survives ours");
        }
    }
}
