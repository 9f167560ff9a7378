package dev.flowstage.hooks.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Holds deploys, rollbacks and review outcomes back while start-up recovery runs in the background, so
 * that recovered runs always go first. Open until {@link #runInBackground} is called.
 */
final class RecoveryGate {
    private volatile CountDownLatch recovering;

    /** Closes the gate, runs {@code recovery} on a thread of its own and opens the gate when it ends. */
    CompletableFuture<Void> runInBackground(Runnable recovery) {
        CountDownLatch latch = new CountDownLatch(1);
        recovering = latch;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                recovery.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            } finally {
                latch.countDown();
            }
        }, "flowstage-run-recovery");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Returns once no recovery is going on. */
    void await() {
        CountDownLatch latch = recovering;
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while start-up recovery of pipeline runs was going on", e);
        }
    }
}
