package dev.flowstage.storage.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditQueueTest {
    /** Records each append as one batch; can hold the writer until released. */
    static final class RecordingStore implements AuditStore {
        final List<String> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release;

        RecordingStore(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public List<AuditEntry> append(String team, List<AuditEntry> entries) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add((team == null ? "site" : team) + ":" + entries.stream().map(AuditEntry::target).toList());
            return entries;
        }

        @Override
        public List<AuditEntry> page(String team, int limit, String before, String action) {
            return List.of();
        }
    }

    private static AuditEntry e(String target) {
        return AuditEntry.of(Instant.EPOCH, "alice", "push", target, Map.of());
    }

    @Test
    void entriesQueuedTogetherAreOneCommitPerLog() {
        CountDownLatch hold = new CountDownLatch(1);
        RecordingStore store = new RecordingStore(hold);
        // an interval far longer than the test: only flush() ends the batch
        try (AuditQueue queue = new AuditQueue(store, Duration.ofHours(1), 100)) {
            queue.add("acme", e("a1"));
            queue.add(null, e("s1"));
            queue.add("acme", e("a2"));
            queue.add("beta", e("b1"));
            hold.countDown();
            assertTrue(queue.flush(Duration.ofSeconds(10)));
            assertEquals(List.of("acme:[a1, a2]", "site:[s1]", "beta:[b1]"), store.batches);
        }
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForTheInterval() throws Exception {
        RecordingStore store = new RecordingStore(new CountDownLatch(0));
        try (AuditQueue queue = new AuditQueue(store, Duration.ofHours(1), 3)) {
            for (int i = 1; i <= 7; i++) {
                queue.add("acme", e("t" + i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.batches.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("acme:[t1, t2, t3]", "acme:[t4, t5, t6]"), store.batches);
            assertTrue(queue.flush(Duration.ofSeconds(10)));
            assertEquals("acme:[t7]", store.batches.get(2));
        }
    }

    @Test
    void closeWritesWhatIsQueued() {
        RecordingStore store = new RecordingStore(new CountDownLatch(0));
        AuditQueue queue = new AuditQueue(store, Duration.ofHours(1), 100);
        queue.add("acme", e("last"));
        queue.close();
        assertEquals(List.of("acme:[last]"), store.batches);
        queue.add("acme", e("late")); // logged and dropped, never thrown
    }

    @Test
    void aFailingWriteIsLoggedAndTheWriterGoesOn() {
        AuditStore failing = new AuditStore() {
            int calls;

            @Override
            public List<AuditEntry> append(String team, List<AuditEntry> entries) {
                if (calls++ == 0) {
                    throw new IllegalStateException("disk full");
                }
                return entries;
            }

            @Override
            public List<AuditEntry> page(String team, int limit, String before, String action) {
                return List.of();
            }
        };
        try (AuditQueue queue = new AuditQueue(failing, Duration.ofMillis(1), 100)) {
            queue.add("acme", e("x"));
            assertTrue(queue.flush(Duration.ofSeconds(10)));
            queue.add("acme", e("y"));
            assertTrue(queue.flush(Duration.ofSeconds(10)));
        }
    }
}
