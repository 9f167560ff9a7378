package dev.flowstage.hooks.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's timing rules, and a remote that never answers. */
class UpstreamSchedulerTest {
    @TempDir
    Path tmp;

    @Test
    void backoffDoublesPerFailureUpToAnHour() {
        assertEquals(Duration.ofSeconds(120), UpstreamScheduler.delay(120, 0));
        assertEquals(Duration.ofSeconds(120), UpstreamScheduler.delay(120, 1));
        assertEquals(Duration.ofSeconds(240), UpstreamScheduler.delay(120, 2));
        assertEquals(Duration.ofSeconds(480), UpstreamScheduler.delay(120, 3));
        assertEquals(Duration.ofHours(1), UpstreamScheduler.delay(120, 10));
        assertEquals(Duration.ofHours(2), UpstreamScheduler.delay(7200, 5), "an interval above the cap stays");
    }

    @Test
    void aHangingRemoteTimesOutIntoAnErrorWithALaterAttemptAndFreesItsWorker() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                UpstreamFixture f = new UpstreamFixture(tmp.resolve("data"), Duration.ofSeconds(2))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            f.secrets.put(UpstreamFixture.TEAM, "olga", "u", "rita");
            f.secrets.put(UpstreamFixture.TEAM, "olga", "p", "pw");
            for (String instance : List.of("line", "safe")) {
                f.store.put(UpstreamFixture.TEAM, "olga", instance, UpstreamFixture.json("{\"url\": \"https://127.0.0.1:"
                        + silent.getLocalPort() + "/flows.git\", \"protocol\": \"https\", \"branch\": \"main\","
                        + " \"intervalSeconds\": 120, \"auth\": {\"username\": \"secret:u\", \"password\": \"secret:p\"}}"));
                f.store.setActive(UpstreamFixture.TEAM, "olga", instance, true);
            }
            try (UpstreamScheduler scheduler = new UpstreamScheduler(f.site, f.teams, f.store, f.sync, f.clock, 1)) {
                Instant before = Instant.now();
                scheduler.syncNow(UpstreamFixture.TEAM, "line");
                scheduler.syncNow(UpstreamFixture.TEAM, "safe"); // queued behind it on the single worker

                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        f.sync.status(UpstreamFixture.TEAM, "safe").state() == UpstreamState.ERROR);

                UpstreamStatus line = f.sync.status(UpstreamFixture.TEAM, "line");
                assertEquals(UpstreamState.ERROR, line.state());
                assertTrue(line.error().startsWith("timeout: "), line.error());
                assertEquals(1, line.failures());
                UpstreamScheduler.Live live = scheduler.live(UpstreamFixture.TEAM, "line");
                assertTrue(live.nextSyncAt().isAfter(before.plusSeconds(119)), "next attempt later: " + live);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.busyWorkers() == 0);
                assertTrue(f.states("line").contains("error"));
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
