package dev.flowstage.hooks.devices;

import dev.flowstage.hooks.events.DevicesMovedListener;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.events.ListenerHandle;
import org.eclipse.jgit.events.RefsChangedEvent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices waiting for their {@code main} to move (the long-poll watch). A waiter is a callback, not a
 * thread: it is answered once, with the new {@code main} as soon as it differs from the commit the device
 * has, or with why it may no longer wait (its device deleted, its token revoked). Two signals wake the
 * waiters of a repository: {@link MainMovedListener} (pushes, reviews, promotions), {@link DevicesMovedListener}
 * (a fan-out batch) and JGit's
 * {@link RefsChangedEvent} of every repository (any other writer in this process, e.g. a fan-out);
 * both only re-read {@code main}. Every {@code recheckEvery} each waiter's own check is run again, so a
 * deletion or revocation ends its wait within that period, and every {@value #MAIN_EVERY_ROUNDS} periods
 * each waited-on {@code main} is read again, so a move no signal reported is still seen. Waiters that share a
 * recheck key (a device's watches with the same token) are rechecked once per period, not once each.
 *
 * <p>The worker thread only reads {@code main}s and decides who is answered; the answers themselves (writing an
 * HTTP response each) run on a small pool of {@value #ANSWER_THREADS} threads, a device's waiters in one task,
 * so 10,000 waiters moved by one deploy are not answered one after the other on one thread.
 */
public final class DeviceWatches implements MainMovedListener, DevicesMovedListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWatches.class);
    public static final Duration DEFAULT_RECHECK_EVERY = Duration.ofSeconds(1);
    private static final String MAIN = "refs/heads/main";
    /** Every this many rechecks each waited-on main is read even without a signal. */
    static final int MAIN_EVERY_ROUNDS = 10;
    /** Threads that write the answers. */
    static final int ANSWER_THREADS = 4;

    /** How a wait ends (the timeout is the caller's: it {@link Watch#cancel cancels}). */
    public sealed interface Outcome {
        /** {@code main} is now {@code commit}. */
        record Moved(String commit) implements Outcome {}

        /** The waiter may no longer wait; {@code reason} says why, {@code message} says it to the device. */
        record Ended(Reason reason, String message) implements Outcome {}
    }

    public enum Reason { DEVICE_GONE, UNAUTHORIZED }

    /** A registered wait; cancelling an answered one does nothing. */
    public interface Watch {
        void cancel();
    }

    private final RepoStore repos;
    private final Map<RepoName, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final Map<Path, RepoName> byDirectory = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker;
    private final ExecutorService answering;
    private final ListenerHandle refsListener;
    private long rounds; // only the worker thread touches it

    public DeviceWatches(RepoStore repos, Duration recheckEvery) {
        this.repos = Objects.requireNonNull(repos);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowstage-device-watch");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger answerThreads = new AtomicInteger();
        this.answering = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
            Thread t = new Thread(r, "flowstage-device-watch-answer-" + answerThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long ms = recheckEvery.toMillis();
        worker.scheduleWithFixedDelay(this::recheckAll, ms, ms, TimeUnit.MILLISECONDS);
        this.refsListener = Repository.getGlobalListenerList().addRefsChangedListener(this::onRefsChanged);
    }

    /**
     * Waits for {@code device}'s {@code main} to differ from {@code after} (null: answers with the current
     * {@code main} at once, when there is one). {@code stillAllowed} is asked again every recheck period:
     * an {@link Outcome.Ended} it returns ends the wait. {@code answer} is called exactly once unless the
     * watch is cancelled first, on this thread or
     * one of the watches' own.
     */
    public Watch watch(RepoName device, String after, Supplier<Optional<Outcome.Ended>> stillAllowed,
                       Consumer<Outcome> answer) {
        return watch(device, after, null, stillAllowed, answer);
    }

    /**
     * As {@link #watch(RepoName, String, Supplier, Consumer)}; waiters with equal {@code recheckKey}s (not null)
     * have the same {@code stillAllowed} answer, so it is asked once per period for all of them.
     */
    public Watch watch(RepoName device, String after, Object recheckKey,
                       Supplier<Optional<Outcome.Ended>> stillAllowed, Consumer<Outcome> answer) {
        Waiter w = new Waiter(device, after, recheckKey, stillAllowed, answer);
        waiting.compute(device, (d, ws) -> {
            Set<Waiter> set = ws == null ? ConcurrentHashMap.newKeySet() : ws;
            set.add(w);
            byDirectory.put(directory(d), d);
            return set;
        });
        // registered first, read second: a move between the two is seen by one or the other; an answer due
        // now is given on this thread
        check(device, false);
        return w;
    }

    /** How many devices are waiting (for metrics and tests). */
    public int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        RepoName name = new RepoName(team, target);
        if (waiting.containsKey(name)) {
            worker.execute(() -> check(name, true));
        }
    }

    @Override
    public void onDevicesMoved(String team, List<DeviceMove> moves, String actor) {
        if (waiting.isEmpty()) {
            return;
        }
        List<RepoName> waited = moves.stream().map(m -> new RepoName(team, m.device()))
                .filter(waiting::containsKey).toList();
        if (!waited.isEmpty()) {
            worker.execute(() -> waited.forEach(d -> check(d, true)));
        }
    }

    private void onRefsChanged(RefsChangedEvent event) {
        if (waiting.isEmpty() || event.getRepository().getDirectory() == null) {
            return;
        }
        RepoName name = byDirectory.get(event.getRepository().getDirectory().toPath().toAbsolutePath().normalize());
        if (name != null && waiting.containsKey(name)) {
            worker.execute(() -> check(name, true));
        }
    }

    /**
     * Answers the waiters of {@code device} whose commit is no longer {@code main}: they are claimed here, and
     * answered here or, {@code onPool}, by the answer pool.
     */
    private void check(RepoName device, boolean onPool) {
        Set<Waiter> ws = waiting.get(device);
        if (ws == null || ws.isEmpty()) {
            return;
        }
        String main;
        try {
            main = readMain(device);
        } catch (RepositoryNotFoundException gone) {
            return; // deleted: the recheck ends the waits with the waiters' own reason
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read main of {} for its watchers: {}", device, e.toString());
            return;
        }
        if (main == null) {
            return;
        }
        Outcome moved = new Outcome.Moved(main);
        List<Waiter> due = new ArrayList<>();
        for (Waiter w : ws) {
            if (!main.equals(w.after) && w.claim()) {
                due.add(w);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        Runnable answerAll = () -> due.forEach(w -> w.answer(moved));
        if (!onPool) {
            answerAll.run();
            return;
        }
        try {
            answering.execute(answerAll);
        } catch (RejectedExecutionException closed) {
            answerAll.run(); // closing: answer here rather than never
        }
    }

    private String readMain(RepoName device) throws IOException {
        try (Repository repo = repos.open(device)) {
            Ref ref = repo.exactRef(MAIN);
            return ref == null || ref.getObjectId() == null ? null : ref.getObjectId().name();
        }
    }

    private void recheckAll() {
        // main itself is re-read only every few rounds: a safety net for a writer no signal reached
        if (++rounds % MAIN_EVERY_ROUNDS == 0) {
            waiting.keySet().forEach(d -> check(d, true));
        }
        Map<Object, Optional<Outcome.Ended>> asked = new HashMap<>();
        for (Set<Waiter> ws : waiting.values()) {
            for (Waiter w : ws) {
                Object key = w.recheckKey == null ? w : w.recheckKey;
                Optional<Outcome.Ended> ended = asked.get(key);
                if (ended == null) {
                    try {
                        ended = w.stillAllowed.get();
                    } catch (RuntimeException e) {
                        LOG.warn("could not recheck a watcher of {}: {}", w.device, e.toString());
                        ended = Optional.empty();
                    }
                    asked.put(key, ended);
                }
                ended.ifPresent(w::finish);
            }
        }
    }

    private Path directory(RepoName device) {
        return repos.path(device).toAbsolutePath().normalize();
    }

    private void remove(Waiter w) {
        waiting.computeIfPresent(w.device, (d, ws) -> {
            ws.remove(w);
            if (ws.isEmpty()) {
                byDirectory.remove(directory(d));
                return null;
            }
            return ws;
        });
    }

    @Override
    public void close() {
        refsListener.remove();
        worker.shutdownNow();
        answering.shutdown();
    }

    private final class Waiter implements Watch {
        final RepoName device;
        final String after;
        final Object recheckKey;
        final Supplier<Optional<Outcome.Ended>> stillAllowed;
        final Consumer<Outcome> answer;
        final AtomicBoolean done = new AtomicBoolean();

        Waiter(RepoName device, String after, Object recheckKey, Supplier<Optional<Outcome.Ended>> stillAllowed,
               Consumer<Outcome> answer) {
            this.device = device;
            this.after = after;
            this.recheckKey = recheckKey;
            this.stillAllowed = stillAllowed;
            this.answer = answer;
        }

        void finish(Outcome outcome) {
            if (claim()) {
                answer(outcome);
            }
        }

        /** True once: this caller answers (no cancel or other answer came first); the waiter is no longer waiting. */
        boolean claim() {
            if (done.compareAndSet(false, true)) {
                remove(this);
                return true;
            }
            return false;
        }

        void answer(Outcome outcome) {
            try {
                answer.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("a watcher of {} could not be answered: {}", device, e.toString());
            }
        }

        @Override
        public void cancel() {
            if (done.compareAndSet(false, true)) {
                remove(this);
            }
        }
    }
}
