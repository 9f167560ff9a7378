package dev.flowstage.storage.repo;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes lock files a killed server left behind. Git never removes a {@code *.lock} file on its own, so
 * one left by a crash mid-update would refuse every later update of that ref. Only this server writes to
 * its data dir, so a lock file older than this process is certainly stale. Run once per repository and
 * process, before the first update.
 */
public final class StaleLocks {
    private static final Logger LOG = LoggerFactory.getLogger(StaleLocks.class);
    private static final long PROCESS_START = ManagementFactory.getRuntimeMXBean().getStartTime();
    private static final String[] TOP_LEVEL = {"HEAD.lock", "config.lock", "packed-refs.lock", "index.lock"};

    private StaleLocks() {}

    public static void clear(File gitDir) {
        for (String name : TOP_LEVEL) {
            removeIfStale(new File(gitDir, name));
        }
        Deque<File> dirs = new ArrayDeque<>();
        dirs.push(new File(gitDir, "refs"));
        while (!dirs.isEmpty()) {
            File[] entries = dirs.pop().listFiles();
            if (entries == null) {
                continue;
            }
            for (File f : entries) {
                if (f.isDirectory()) {
                    dirs.push(f);
                } else if (f.getName().endsWith(".lock")) {
                    removeIfStale(f);
                }
            }
        }
    }

    private static void removeIfStale(File lock) {
        long modified = lock.lastModified();
        if (modified != 0 && modified < PROCESS_START && lock.delete()) {
            LOG.warn("removed stale lock file {} left by an earlier server process", lock);
        }
    }
}
