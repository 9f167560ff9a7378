package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.run.Run;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Executes admitted runs on a small pool: one at a time per pipeline, in the order they were queued, under
 * {@code queue} and {@code forbid}; in parallel under {@code allow}. Once closed it starts no run, so
 * runs still queued stay queued in the store.
 */
final class RunQueue implements AutoCloseable {
    private final RunExecutor executor;
    private final Function<Run, CompletionStage<?>> goesOn;
    private final ExecutorService pool;
    private final KeyedSerialExecutor serial;
    private volatile boolean closed;

    RunQueue(RunExecutor executor, int threads) {
        this(executor, threads, r -> CompletableFuture.completedFuture(null));
    }

    /**
     * {@code goesOn} says how long a run that its execution left running goes on (a staged rollout): the
     * pipeline's next run waits for it under {@code queue} and {@code forbid}.
     */
    RunQueue(RunExecutor executor, int threads, Function<Run, CompletionStage<?>> goesOn) {
        this.executor = executor;
        this.goesOn = goesOn;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pipeline-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.serial = new KeyedSerialExecutor(pool);
    }

    /** Queues {@code run} behind the pipeline's earlier runs, or beside them under {@code allow}. */
    void submit(Run run, Concurrency concurrency) {
        Supplier<CompletionStage<?>> task = () -> closed ? CompletableFuture.completedFuture(null)
                : goesOn.apply(executor.execute(run));
        if (concurrency == Concurrency.ALLOW) {
            pool.execute(task::get);
        } else {
            serial.execute(PendingRuns.key(run.team(), run.pipeline()), task);
        }
    }

    /**
     * The pipeline's queued runs wait for {@code until} (a rollout resumed at start-up) unless it allows
     * overlap: it goes ahead of them, right after what holds the pipeline now.
     */
    void hold(Run run, Concurrency concurrency, CompletionStage<?> until) {
        if (concurrency != Concurrency.ALLOW) {
            serial.executeFirst(PendingRuns.key(run.team(), run.pipeline()), () -> until);
        }
    }

    /**
     * Starts work that carries a run on outside its execution (the rollout of an approved run): under
     * {@code queue} and {@code forbid} it takes the pipeline's turn ahead of the queued runs, once what holds
     * the pipeline now is done, and the pipeline's next run waits for the stage {@code start} returns; under
     * {@code allow} it starts at once, here. Returns whether it has to wait for its turn.
     */
    boolean startFirst(Run run, Concurrency concurrency, Supplier<CompletionStage<?>> start) {
        if (concurrency == Concurrency.ALLOW) {
            start.get();
            return false;
        }
        return serial.executeFirst(PendingRuns.key(run.team(), run.pipeline()),
                () -> closed ? CompletableFuture.completedFuture(null) : start.get());
    }

    /** The concurrency of the run's pipeline ({@code queue}, the default, when it can no longer be read). */
    static Concurrency concurrency(TeamStore teams, Run r) {
        return teams.team(r.team()).flatMap(cfg -> ConfigPipelineStore.read(cfg, r.pipeline()))
                .map(Pipeline::concurrency).orElse(Concurrency.QUEUE);
    }

    /** Runs other pipeline work (off the caller's thread) on the same pool, unless the queue is closed. */
    void runAside(Runnable task) {
        if (!closed) {
            pool.execute(task);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops starting runs and waits up to 10 s for the ones executing. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
