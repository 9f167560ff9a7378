package dev.flowstage.storage.repo;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import java.util.concurrent.locks.Lock;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.util.FS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repacks repositories off the request path: a repository is queued after {@code pushesBeforeGc}
 * pushes, and every {@code period} all repositories pushed since their last gc are queued. One
 * daemon thread runs JGit's GC (pack bitmaps and commit-graph) on one repository at a time. A
 * repository is not collected again before {@link #DUTY} times its last GC's duration has passed.
 */
public final class GcQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GcQueue.class);

    private final int pushesBeforeGc;
    private final long periodNanos;
    /**
     * GC holds a repository's write lock, so pushes, promotions and metadata writes to it wait. After a GC
     * that held it for d, the next one waits at least DUTY times d: GC takes about 1% of a busy
     * repository's time at most, however often it is written.
     */
    static final int DUTY = 100;
    private final Map<Path, AtomicInteger> pushesSinceGc = new ConcurrentHashMap<>();
    private final Map<Path, Long> notBefore = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final Set<Path> queued = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Path> queue = new LinkedBlockingQueue<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sweeps = new AtomicLong();
    private final Thread worker;
    private volatile boolean closed;

    public GcQueue(int pushesBeforeGc, Duration period) {
        this(pushesBeforeGc, period, System::nanoTime);
    }

    GcQueue(int pushesBeforeGc, Duration period, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        if (pushesBeforeGc < 1) {
            throw new IllegalArgumentException("pushesBeforeGc must be at least 1");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("gc period must be positive");
        }
        this.pushesBeforeGc = pushesBeforeGc;
        this.periodNanos = period.toNanos();
        this.worker = new Thread(this::run, "flowstage-gc");
        this.worker.setDaemon(true);
    }

    /** Starts the worker thread; pushes counted before this are not lost. */
    public synchronized void start() {
        if (!closed && worker.getState() == Thread.State.NEW) {
            worker.start();
        }
    }

    /** Counts a push to the bare repository at {@code gitDir}; never blocks. */
    public void pushed(Path gitDir) {
        Path key = gitDir.toAbsolutePath().normalize();
        int n = pushesSinceGc.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (n >= pushesBeforeGc && due(key)) {
            enqueue(key);
        }
    }

    private boolean due(Path key) {
        Long after = notBefore.get(key);
        return after == null || nanoTime.getAsLong() - after >= 0;
    }

    /** Forgets a repository that is being deleted. */
    public void forget(Path gitDir) {
        Path key = gitDir.toAbsolutePath().normalize();
        pushesSinceGc.remove(key);
        notBefore.remove(key);
        queued.remove(key);
        queue.remove(key);
    }

    /** Number of gc runs finished successfully (for metrics and tests). */
    public long completed() {
        return completed.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Repositories waiting for the worker: a push that did not queue its repository leaves this as it was. */
    public int pending() {
        return queue.size();
    }

    /** Periodic sweeps made (tests await these instead of sleeping). */
    public long sweeps() {
        return sweeps.get();
    }

    /** True while the worker thread is alive. */
    public boolean isRunning() {
        return worker.isAlive();
    }

    private void enqueue(Path key) {
        if (!closed && queued.add(key)) {
            queue.add(key);
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + periodNanos;
        while (!closed) {
            try {
                long wait = Math.max(0, nextSweep - System.nanoTime());
                Path next = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (next != null) {
                    queued.remove(next);
                    gc(next);
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweep();
                    nextSweep = System.nanoTime() + periodNanos;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sweep() {
        List<Path> dirty = new ArrayList<>();
        pushesSinceGc.forEach((path, count) -> {
            if (count.get() > 0 && due(path)) {
                dirty.add(path);
            }
        });
        dirty.forEach(this::enqueue);
        sweeps.incrementAndGet();
    }

    private void gc(Path gitDir) {
        AtomicInteger count = pushesSinceGc.get(gitDir);
        int seen = count == null ? 0 : count.get();
        File dir = gitDir.toFile();
        try (Repository repo = RepositoryCache.open(RepositoryCache.FileKey.exact(dir, FS.DETECTED), true)) {
            // commit-graph writing is opt-in in JGit; set it in memory so older repos get it too
            repo.getConfig().setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null,
                    ConfigConstants.CONFIG_COMMIT_GRAPH, true);
            repo.getConfig().setBoolean(ConfigConstants.CONFIG_GC_SECTION, null,
                    ConfigConstants.CONFIG_KEY_WRITE_COMMIT_GRAPH, true);
            PackConfig pack = new PackConfig(repo);
            pack.setBuildBitmaps(true);
            GC gc = new GC((FileRepository) repo);
            gc.setPackConfig(pack);
            // Replaced packs go after 30 minutes (JGit keeps them an hour), so per-push packs don't pile up.
            gc.setPackExpire(java.time.Instant.now().minus(java.time.Duration.ofMinutes(30)));
            Lock exclusive = RepoLocks.of(dir).writeLock();
            exclusive.lock();
            long locked = nanoTime.getAsLong();
            try {
                if (BorrowerRepack.borrows(gitDir)) {
                    // a device borrowing its group's objects: JGit's GC would copy them all in
                    BorrowerRepack.repack((FileRepository) repo);
                } else {
                    gc.gc().get();
                }
            } finally {
                exclusive.unlock();
                long released = nanoTime.getAsLong();
                notBefore.put(gitDir, released + DUTY * (released - locked));
            }
            if (count != null) {
                // pushes that arrived during the gc stay counted for the next round
                count.addAndGet(-seen);
            }
            completed.incrementAndGet();
        } catch (RepositoryNotFoundException e) {
            pushesSinceGc.remove(gitDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed.incrementAndGet();
            LOG.warn("gc of {} failed", gitDir, e);
        }
    }

    /** Stops the worker; a gc in progress is interrupted. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        if (worker.getState() != Thread.State.NEW) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
