package dev.flowstage.storage.repo;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One read-write lock per repository directory in this process. Writers (a push being received, a
 * metadata commit) share the read side; garbage collection takes the write side, because JGit's GC
 * removes orphaned pack indexes and empty object directories that a concurrent writer may be filling.
 */
public final class RepoLocks {
    private static final ConcurrentHashMap<Path, ReadWriteLock> LOCKS = new ConcurrentHashMap<>();

    private RepoLocks() {}

    /** Holds the writer side until closed: {@code try (RepoLocks.Held w = RepoLocks.writing(dir)) { ... }}. */
    public static Held writing(File gitDir) {
        java.util.concurrent.locks.Lock lock = of(gitDir).readLock();
        lock.lock();
        return lock::unlock;
    }

    /** A held lock, released by {@link #close()}. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    public static ReadWriteLock of(File gitDir) {
        return LOCKS.computeIfAbsent(gitDir.toPath().toAbsolutePath().normalize(), k -> new ReentrantReadWriteLock());
    }
}
