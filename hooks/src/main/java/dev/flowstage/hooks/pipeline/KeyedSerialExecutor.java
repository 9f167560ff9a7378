package dev.flowstage.hooks.pipeline;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs the tasks of one key one at a time, in submission order, on a shared pool; different keys run in
 * parallel. No thread is held while a key has nothing to do.
 */
final class KeyedSerialExecutor {
    private final Executor pool;
    private final Map<String, Queue<Runnable>> queues = new HashMap<>();

    KeyedSerialExecutor(Executor pool) {
        this.pool = pool;
    }

    void execute(String key, Runnable task) {
        synchronized (queues) {
            Queue<Runnable> q = queues.get(key);
            if (q != null) {
                q.add(task);
                return;
            }
            queues.put(key, new ArrayDeque<>());
        }
        pool.execute(() -> drain(key, task));
    }

    private void drain(String key, Runnable first) {
        Runnable task = first;
        while (task != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // the task reports its own failures; one failing must not stop the key's queue
            }
            synchronized (queues) {
                Queue<Runnable> q = queues.get(key);
                task = q.poll();
                if (task == null) {
                    queues.remove(key);
                }
            }
        }
    }
}
