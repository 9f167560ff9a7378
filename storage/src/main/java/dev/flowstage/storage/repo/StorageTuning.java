package dev.flowstage.storage.repo;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.storage.file.WindowCacheConfig;

/** Installs JGit's process-wide pack window cache with server-sized limits, once at start-up. */
public final class StorageTuning {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    /** Larger objects are streamed instead of inflated into one array (the largest allowed file is 32 MiB). */
    static final int STREAM_FILE_THRESHOLD = 16 * 1024 * 1024;
    static final int MAX_DELTA_BASE_CACHE = 64 * 1024 * 1024;

    private StorageTuning() {}

    /**
     * Installs the window cache the first time it is called; later calls change nothing and return
     * false (JGit's cache is global, and reconfiguring it drops every open pack).
     */
    public static boolean installWindowCache(long packedGitLimitBytes, int openFiles) {
        WindowCacheConfig cfg = config(packedGitLimitBytes, openFiles);
        if (!INSTALLED.compareAndSet(false, true)) {
            return false;
        }
        cfg.install();
        return true;
    }

    static WindowCacheConfig config(long packedGitLimitBytes, int openFiles) {
        if (packedGitLimitBytes < 1024 * 1024) {
            throw new IllegalArgumentException("packedGitLimit must be at least 1 MiB");
        }
        if (openFiles < 16) {
            throw new IllegalArgumentException("packedGitOpenFiles must be at least 16");
        }
        WindowCacheConfig cfg = new WindowCacheConfig();
        cfg.setPackedGitLimit(packedGitLimitBytes);
        cfg.setPackedGitOpenFiles(openFiles);
        cfg.setDeltaBaseCacheLimit((int) Math.min(MAX_DELTA_BASE_CACHE, packedGitLimitBytes / 8));
        cfg.setStreamFileThreshold(STREAM_FILE_THRESHOLD);
        // mmap'd windows are not released until GC and pin deleted packs on disk; read() is steadier
        cfg.setPackedGitMMAP(false);
        return cfg;
    }
}
