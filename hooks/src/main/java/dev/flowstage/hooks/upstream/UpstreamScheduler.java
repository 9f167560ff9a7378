package dev.flowstage.hooks.upstream;

import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each following instance syncs: one timer thread keeps a due time per instance (interval plus a random
 * jitter of 0–60 s; after failures an exponential backoff, at most {@link #MAX_BACKOFF}), and hands due
 * syncs to a fixed pool of workers, so a thousand instances cost no thousand threads. An instance never
 * syncs twice at once; a sync asked for while one runs follows it. Configurations pushed to
 * {@code _config.git} are picked up by a rescan every {@link #RESCAN}.
 */
public final class UpstreamScheduler implements AutoCloseable {
    public static final Duration RESCAN = Duration.ofSeconds(60);
    public static final Duration MAX_BACKOFF = Duration.ofHours(1);
    static final int MAX_JITTER_SECONDS = 60;
    /**
     * How old a ref advertisement of a remote a scheduled sync accepts when another follower of the remote asked
     * for it (a sync asked for by a webhook or a user accepts only one made after they asked).
     */
    public static final Duration SHARED_ADVERTISEMENT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamScheduler.class);

    /** Live, in-memory facts about one instance's schedule. */
    public record Live(Instant lastSyncAt, Instant nextSyncAt, boolean running) {}

    private final SiteStore site;
    private final TeamStore teams;
    private final UpstreamStore store;
    private final UpstreamSync sync;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    private static final class Entry {
        ScheduledFuture<?> timer;
        Instant next;
        Instant last;
        boolean running;
        boolean again;
        Instant askedAt;
        int failures;
    }

    public UpstreamScheduler(SiteStore site, TeamStore teams, UpstreamStore store, UpstreamSync sync, Clock clock,
                             int workerThreads) {
        this.site = Objects.requireNonNull(site);
        this.teams = Objects.requireNonNull(teams);
        this.store = Objects.requireNonNull(store);
        this.sync = Objects.requireNonNull(sync);
        this.clock = Objects.requireNonNull(clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "upstream-timer"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> thread(r, "upstream-sync-" + n.incrementAndGet()));
    }

    /** Schedules every active configuration (from its stored next time when that is still ahead) and the rescans. */
    public void start() {
        timer.scheduleWithFixedDelay(this::rescan, 0, RESCAN.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Syncs the instance now (on a worker), whether active or paused. */
    public void syncNow(String team, String instance) {
        Entry e = entries.computeIfAbsent(key(team, instance), k -> new Entry());
        synchronized (e) {
            if (e.timer != null) {
                e.timer.cancel(false);
            }
            e.next = clock.instant();
            e.askedAt = e.next;
        }
        submit(team, instance, e);
    }

    /** Re-reads the instance's configuration: schedules it when active, drops it when paused or removed. */
    public void reconfigure(String team, String instance) {
        Optional<UpstreamConfig> c = store.get(team, instance);
        String key = key(team, instance);
        if (c.isEmpty() || !c.get().active()) {
            Entry e = entries.get(key);
            if (e != null) {
                synchronized (e) {
                    if (e.timer != null) {
                        e.timer.cancel(false);
                    }
                    e.next = null;
                }
            }
            return;
        }
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            if (e.next == null || e.timer == null || e.timer.isDone()) {
                UpstreamStatus stored = sync.status(team, instance);
                Instant next = stored.nextSyncAt() != null && stored.nextSyncAt().isAfter(clock.instant())
                        ? stored.nextSyncAt() : clock.instant().plusSeconds(jitter());
                e.failures = stored.failures();
                schedule(team, instance, e, next);
            }
        }
    }

    /** Live facts for the status: last and next sync time, whether a sync runs now. */
    public Live live(String team, String instance) {
        Entry e = entries.get(key(team, instance));
        if (e == null) {
            return new Live(null, null, false);
        }
        synchronized (e) {
            return new Live(e.last, e.next, e.running);
        }
    }

    /** How many syncs the workers have done since the start (for the benchmark and metrics). */
    public long syncsDone() {
        return syncs.get();
    }

    /** How many worker threads are syncing right now (for the benchmark and metrics). */
    public int busyWorkers() {
        return busy.get();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rescan() {
        try {
            Set<String> seen = new HashSet<>();
            for (String team : site.teams()) {
                teams.team(team).ifPresent(c -> UpstreamStore.all(c).forEach(u -> {
                    if (c.targets().containsKey(u.instance())) { // not of a deleted instance
                        seen.add(key(team, u.instance()));
                        reconfigure(team, u.instance());
                    }
                }));
            }
            for (String key : entries.keySet()) {
                if (!seen.contains(key)) {
                    String[] p = key.split("/", 2);
                    reconfigure(p[0], p[1]);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("upstream rescan failed", e);
        }
    }

    private void schedule(String team, String instance, Entry e, Instant at) {
        if (closed) {
            return;
        }
        if (e.timer != null) {
            e.timer.cancel(false);
        }
        e.next = at;
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        e.timer = timer.schedule(() -> submit(team, instance, e), delay, TimeUnit.MILLISECONDS);
    }

    private void submit(String team, String instance, Entry e) {
        synchronized (e) {
            if (e.running) {
                e.again = true;
                return;
            }
            e.running = true;
        }
        try {
            workers.execute(() -> work(team, instance, e));
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            synchronized (e) {
                e.running = false;
            }
        }
    }

    private void work(String team, String instance, Entry e) {
        busy.incrementAndGet();
        UpstreamStatus after = null;
        try {
            Instant notBefore;
            synchronized (e) {
                notBefore = e.askedAt != null ? e.askedAt : clock.instant().minus(SHARED_ADVERTISEMENT);
                e.askedAt = null;
            }
            after = sync.run(team, instance, notBefore);
            syncs.incrementAndGet();
        } catch (RuntimeException ex) {
            LOG.warn("upstream sync of {}/{} failed", team, instance, ex);
        } finally {
            busy.decrementAndGet();
        }
        boolean again;
        try {
            again = reschedule(team, instance, e, after);
        } catch (RuntimeException ex) {
            // the worker survives; the rescan schedules the instance again
            LOG.warn("cannot schedule the next upstream sync of {}/{}", team, instance, ex);
            synchronized (e) {
                e.running = false;
                e.timer = null;
                again = false;
            }
        }
        if (again) {
            submit(team, instance, e);
        }
    }

    /** After a sync: the next due time (with backoff after failures); true when a sync was asked for meanwhile. */
    private boolean reschedule(String team, String instance, Entry e, UpstreamStatus after) {
        boolean again;
        synchronized (e) {
            e.running = false;
            e.last = clock.instant();
            again = e.again;
            e.again = false;
            Optional<UpstreamConfig> c = store.get(team, instance);
            if (c.isPresent() && c.get().active()) {
                int failures = after == null ? e.failures + 1 : after.failures();
                e.failures = failures;
                Instant next = clock.instant().plus(delay(c.get().intervalSeconds(), failures)).plusSeconds(jitter());
                schedule(team, instance, e, next);
                if (after != null && !Objects.equals(after.nextSyncAt(), next) && after.failures() > 0) {
                    // a failing instance's backoff survives a restart
                    UpstreamStatus withNext = after.scheduled(next, after.failures());
                    sync.record(team, instance, after, withNext);
                }
            } else {
                e.next = null;
            }
        }
        return again;
    }

    /** The interval, doubled per consecutive failure, at most {@link #MAX_BACKOFF} (or the interval when longer). */
    static Duration delay(int intervalSeconds, int failures) {
        Duration base = Duration.ofSeconds(intervalSeconds);
        if (failures <= 0) {
            return base;
        }
        Duration cap = MAX_BACKOFF.compareTo(base) > 0 ? MAX_BACKOFF : base;
        long factor = 1L << Math.min(failures - 1, 20);
        Duration d = base.multipliedBy(factor);
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(MAX_JITTER_SECONDS + 1);
    }

    private static String key(String team, String instance) {
        return team + "/" + instance;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
