package dev.flowstage.storage.repo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.File;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.events.RefsChangedEvent;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * Values computed from a repository's refs (a ref's commit, an {@code ls-refs} answer), kept per
 * repository instance until one of its refs changes, so that reading them again costs no ref reads from
 * disk (a device poll reads no ref file).
 *
 * <p><b>What drops a value.</b> Only a JGit {@link RefsChangedEvent} for the repository's directory, from
 * any {@link Repository} instance of this process (JGit's listener list is process-wide). Each repository
 * has a generation, bumped by every such event; a value is stored with the generation read <em>before</em>
 * its refs were read and used only while that generation is current, so a value computed while a ref was
 * being written is never used after the write's event. Values are keyed by the repository instance as well
 * as its directory: another instance (a repository deleted and made again, one reopened after JGit's
 * {@code RepositoryCache} let it go) starts empty.
 *
 * <p><b>Which writers fire that event.</b> JGit's {@code RefDirectory} fires it when a change it made or
 * noticed raises its modification count, except while it has never notified before: no event while
 * {@code lastNotifiedModCnt} is 0 (RefDirectory.java:1370 in JGit 7.5.0). A {@code RefUpdate} (create,
 * move, delete, link, rename, non-atomic batches, receive-pack) looks its ref up under the lock
 * ({@code tryLock} → {@code findRef} → {@code firstExactRef}: RefDirectoryUpdate.java:55,
 * RefDirectory.java:385), which notifies silently if the instance has seen anything before; the write
 * then raises the count again and the event fires. A fresh instance has seen something by then whenever
 * the repository has a {@code packed-refs} file (its first read of the file, even an empty one, raises the
 * count: the file's id is no longer the zero id of "no file", RefDirectory.java:1050) or the ref already
 * exists as a loose file. So the one JGit write without an event is an instance's first act creating a new
 * loose ref in a repository without {@code packed-refs}. Covered writers: every JGit ref update of this
 * process, through whichever instance, in a repository that has a {@code packed-refs} file (every
 * repository the server opens gets one: {@link PackedRefs#ensure}). For a repository without one (checked
 * when its instance is first seen) values are computed on every call and never kept. The instance whose
 * values are kept is read once ({@code HEAD}) before its first value is kept, so its own changes fire too.
 *
 * <p><b>Not covered:</b> anything that changes ref files without JGit in this process (another process,
 * C git, a program writing {@code packed-refs} or a loose ref itself) unless it then makes JGit notice the
 * change through an instance that notified before. The server is the only writer of its data directory
 * while it runs (the offline {@code admin} commands refuse to run beside it).
 *
 * <p>At most {@value #MAX_VALUES_PER_REPO} values per repository are kept (callers ask a handful of
 * shapes); beyond that values are computed but not kept, so odd requests cannot grow the memory used.
 * Only for reads: a writer compares against the ref on disk, as JGit's ref updates do.
 */
public final class RefCache {
    static final int MAX_VALUES_PER_REPO = 16;
    private static final int MAX_REPOS = 100_000;
    private static final RefCache SHARED = new RefCache();

    /** Computes a value from the repository's refs. */
    public interface Compute<V> {
        V value() throws IOException;
    }

    private final Cache<File, Values> byDirectory = Caffeine.newBuilder().maximumSize(MAX_REPOS).build();

    RefCache() {
        // JGit's listener list is process-wide, like its RepositoryCache: every writer's change reaches it
        Repository.getGlobalListenerList().addRefsChangedListener(this::changed);
    }

    /** The process-wide instance: JGit's events come from every repository of the process. */
    public static RefCache shared() {
        return SHARED;
    }

    /**
     * The value for {@code key} (everything the value depends on besides the refs; compared with
     * {@code equals}) in {@code repository}, computed by {@code compute} unless a current one is kept.
     */
    @SuppressWarnings("unchecked")
    public <V> V get(Repository repository, Object key, Compute<V> compute) throws IOException {
        File dir = repository.getDirectory();
        if (dir == null) {
            return compute.value();
        }
        Values values = byDirectory.getIfPresent(dir);
        if (values == null || values.repository.get() != repository) {
            values = byDirectory.asMap().compute(dir,
                    (d, old) -> old != null && old.repository.get() == repository ? old : new Values(repository));
        }
        if (!values.keepable) {
            return compute.value();
        }
        long generation = values.generation.get();
        Kept kept = values.byKey.get(key);
        if (kept != null && kept.generation == generation) {
            return (V) kept.value;
        }
        if (!values.primed) {
            // from now on every change of this instance's refs fires an event (see the class comment)
            repository.exactRef(Constants.HEAD);
            values.primed = true;
        }
        V value = compute.value();
        if (kept != null || values.byKey.size() < MAX_VALUES_PER_REPO) {
            values.byKey.put(key, new Kept(generation, value));
        }
        return value;
    }

    private void changed(RefsChangedEvent event) {
        Repository repository = event.getRepository();
        File dir = repository == null ? null : repository.getDirectory();
        if (dir == null) {
            return;
        }
        Values values = byDirectory.getIfPresent(dir);
        if (values != null) {
            values.generation.incrementAndGet();
            values.byKey.clear();
        }
    }

    private record Kept(long generation, Object value) {}

    /** One repository instance's values. */
    private static final class Values {
        final WeakReference<Repository> repository;
        final AtomicLong generation = new AtomicLong();
        final Map<Object, Kept> byKey = new ConcurrentHashMap<>();
        volatile boolean primed;
        // without packed-refs, a fresh instance's first new ref fires no event (see the class comment)
        final boolean keepable;

        Values(Repository repository) {
            this.repository = new WeakReference<>(repository);
            this.keepable = new File(repository.getDirectory(), Constants.PACKED_REFS).isFile();
        }
    }
}
