package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order of a key's tasks: queued ones in turn, those given with executeFirst ahead of them. */
class KeyedSerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final KeyedSerialExecutor serial = new KeyedSerialExecutor(pool);
    private final List<String> order = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksGivenFirstGoAheadOfQueuedOnesOnceTheHolderIsDoneInTheirOwnOrder() throws Exception {
        CompletableFuture<Void> holder = new CompletableFuture<>();
        CompletableFuture<Void> firstHolds = new CompletableFuture<>();
        serial.execute("p", task("holder", holder));
        serial.execute("p", task("queued-1", null));
        serial.execute("p", task("queued-2", null));
        assertTrue(serial.executeFirst("p", task("first-1", firstHolds)), "the key is busy: it waits");
        assertTrue(serial.executeFirst("p", task("first-2", null)));
        CompletableFuture<Void> otherKey = new CompletableFuture<>();
        assertFalse(serial.executeFirst("q", () -> {
            otherKey.complete(null);
            return otherKey;
        }), "an idle key starts it at once");
        otherKey.get(10, TimeUnit.SECONDS);

        holder.complete(null);
        Awaitility.await().atMost(PipelineFixture.TIMEOUT).until(() -> order.size() == 2);
        assertEquals(List.of("holder", "first-1"), order, "a task given first waits for the holder's stage only");
        firstHolds.complete(null);
        Awaitility.await().atMost(PipelineFixture.TIMEOUT).until(() -> order.size() == 5);
        assertEquals(List.of("holder", "first-1", "first-2", "queued-1", "queued-2"), order);
    }

    private Supplier<CompletionStage<?>> task(String name, CompletableFuture<Void> holdsUntil) {
        return () -> {
            order.add(name);
            return holdsUntil == null ? CompletableFuture.completedFuture(null) : holdsUntil;
        };
    }
}
