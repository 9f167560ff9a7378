package dev.flowstage.hooks.pipeline;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs the tasks of one key one at a time, in submission order, on a shared pool; different keys run in
 * parallel. A task may return a stage that the key's next task waits for (a staged rollout that goes on
 * after its run's task returned); no thread is held while a key waits or has nothing to do. Tasks given
 * with {@link #executeFirst} go ahead of the key's queued ones (in their own submission order), right after
 * the task that has the key now.
 */
final class KeyedSerialExecutor {
    private final Executor pool;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    private final Map<String, Lanes> queues = new HashMap<>();

    /** A busy key's waiting tasks: those that go first, then the others. */
    private static final class Lanes {
        final Queue<Supplier<? extends CompletionStage<?>>> first = new ArrayDeque<>();
        final Queue<Supplier<? extends CompletionStage<?>>> rest = new ArrayDeque<>();

        Supplier<? extends CompletionStage<?>> poll() {
            Supplier<? extends CompletionStage<?>> task = first.poll();
            return task != null ? task : rest.poll();
        }
    }

    KeyedSerialExecutor(Executor pool) {
        this.pool = pool;
    }

    void execute(String key, Runnable task) {
        execute(key, () -> {
            task.run();
            return DONE;
        });
    }

    /** Runs {@code task} in turn; the key's next task starts once the stage it returns has completed. */
    void execute(String key, Supplier<? extends CompletionStage<?>> task) {
        enqueue(key, task, false);
    }

    /**
     * Runs {@code task} as soon as the key's current task (and the stage it returned) is done, ahead of the
     * key's queued tasks. Returns whether it has to wait for one (false: the key was idle, it starts now).
     */
    boolean executeFirst(String key, Supplier<? extends CompletionStage<?>> task) {
        return enqueue(key, task, true);
    }

    private boolean enqueue(String key, Supplier<? extends CompletionStage<?>> task, boolean first) {
        synchronized (queues) {
            Lanes lanes = queues.get(key);
            if (lanes != null) {
                (first ? lanes.first : lanes.rest).add(task);
                return true;
            }
            queues.put(key, new Lanes());
        }
        pool.execute(() -> drain(key, task));
        return false;
    }

    private void drain(String key, Supplier<? extends CompletionStage<?>> first) {
        Supplier<? extends CompletionStage<?>> task = first;
        while (task != null) {
            CompletionStage<?> waiting = DONE;
            try {
                waiting = task.get();
            } catch (RuntimeException e) {
                // the task reports its own failures; one failing must not stop the key's queue
            }
            if (waiting != null && !waiting.toCompletableFuture().isDone()) {
                waiting.whenComplete((v, e) -> {
                    try {
                        pool.execute(() -> drain(key, next(key)));
                    } catch (RejectedExecutionException stopping) {
                        // the pool is shut down: queued runs stay queued in the store
                    }
                });
                return;
            }
            task = next(key);
        }
    }

    /** The key's next task, or null (and the key is idle) when it has none. */
    private Supplier<? extends CompletionStage<?>> next(String key) {
        synchronized (queues) {
            Lanes lanes = queues.get(key);
            Supplier<? extends CompletionStage<?>> task = lanes == null ? null : lanes.poll();
            if (task == null) {
                queues.remove(key);
            }
            return task;
        }
    }
}
