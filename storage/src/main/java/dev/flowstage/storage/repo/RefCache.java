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
 * repository until one of its refs changes, so that reading them again costs no ref reads from disk. The
 * server is the only writer of its repositories, and every ref it writes goes through JGit, which fires
 * a {@link RefsChangedEvent} once the new value is on disk: that event drops the repository's values
 * before the next reader can see them.
 *
 * <p>Each repository has a generation, bumped by every change. A value is stored with the generation
 * read <em>before</em> its refs were read and is only used while that generation is current, so a value
 * computed while a ref was being written is never used after the write's event. JGit fires no event for
 * the first change a fresh {@code RefDirectory} sees when nothing was read through it before; a
 * repository instance is therefore read once (its {@code HEAD}) before its first value is computed.
 * Values are keyed by the repository instance as well as its directory: a repository deleted and
 * created again under the same name is a new instance and starts empty.
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

        Values(Repository repository) {
            this.repository = new WeakReference<>(repository);
        }
    }
}
