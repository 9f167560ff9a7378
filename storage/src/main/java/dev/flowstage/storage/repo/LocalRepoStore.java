package dev.flowstage.storage.repo;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.concurrent.ConcurrentHashMap;

/** {@link RepoStore} over bare repositories at {@code reposDir/TEAM/NAME.git}, opened through JGit's RepositoryCache. */
public final class LocalRepoStore implements RepoStore {
    public static final String MAIN = Constants.R_HEADS + "main";

    private final Path reposDir;
    private final GcQueue gc;
    private final Set<RepoName> withPackedRefs = ConcurrentHashMap.newKeySet();
    /**
     * One open count of our own on each repository in use. Whenever a cached repository's open count
     * drops to zero, JGit canonicalizes its directory (a readlink per path segment) to check it is
     * still cached; with the hold, opening and closing for a request is a map lookup and two counter
     * updates. Holds idle for {@link #HOLD_IDLE} are released at the next sweep, and the repository
     * then expires from JGit's cache as before.
     */
    private final Map<RepoName, Held> held = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicLong nextSweep;

    static final Duration HOLD_IDLE = Duration.ofMinutes(10);
    private static final long SWEEP_EVERY = Duration.ofMinutes(1).toNanos();

    private static final class Held {
        final Repository repo;
        volatile long used;

        Held(Repository repo, long used) {
            this.repo = repo;
            this.used = used;
        }
    }

    private final java.util.function.Consumer<RepoName> created;

    public LocalRepoStore(Path reposDir, GcQueue gc) {
        this(reposDir, gc, System::nanoTime, name -> { });
    }

    /** With {@code created} told of each repository this store created (after it exists, before it is returned). */
    public LocalRepoStore(Path reposDir, GcQueue gc, java.util.function.Consumer<RepoName> created) {
        this(reposDir, gc, System::nanoTime, created);
    }

    LocalRepoStore(Path reposDir, GcQueue gc, LongSupplier nanoTime) {
        this(reposDir, gc, nanoTime, name -> { });
    }

    private LocalRepoStore(Path reposDir, GcQueue gc, LongSupplier nanoTime,
            java.util.function.Consumer<RepoName> created) {
        this.reposDir = reposDir.toAbsolutePath().normalize();
        this.gc = gc;
        this.nanoTime = nanoTime;
        this.created = java.util.Objects.requireNonNull(created);
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + SWEEP_EVERY);
    }

    @Override
    public Path path(RepoName name) {
        // RepoName already allow-lists both parts; this is the second guard against escaping reposDir
        Path p = reposDir.resolve(name.team()).resolve(name.name() + Constants.DOT_GIT_EXT).normalize();
        if (!p.startsWith(reposDir) || p.getNameCount() != reposDir.getNameCount() + 2) {
            throw new IllegalArgumentException("repository path escapes the repository directory");
        }
        return p;
    }

    @Override
    public boolean exists(RepoName name) {
        return RepositoryCache.FileKey.isGitRepository(path(name).toFile(), FS.DETECTED);
    }

    @Override
    public Repository open(RepoName name) throws IOException {
        long now = nanoTime.getAsLong();
        sweepIfDue(now);
        Held hold = held.get(name);
        if (hold != null) {
            hold.used = now;
            hold.repo.incrementOpen();
            return hold.repo;
        }
        Repository repo = RepositoryCache.open(key(name), true);
        if (withPackedRefs.add(name)) {
            // once per repository and process: repositories made before this check existed get one too,
            // and lock files of a killed earlier process go before they can refuse an update
            PackedRefs.ensure(repo.getDirectory().toPath());
            StaleLocks.clear(repo.getDirectory());
        }
        repo.incrementOpen(); // the hold's count
        if (held.putIfAbsent(name, new Held(repo, now)) != null) {
            repo.close(); // another thread's hold came first
        }
        return repo;
    }

    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due < 0 || !nextSweep.compareAndSet(due, now + SWEEP_EVERY)) {
            return;
        }
        long idle = HOLD_IDLE.toNanos();
        for (Map.Entry<RepoName, Held> e : held.entrySet()) {
            Held hold = e.getValue();
            if (now - hold.used > idle && held.remove(e.getKey(), hold)) {
                hold.repo.close();
            }
        }
    }

    /** How many repositories hold an open count of this store's; for tests. */
    int held() {
        return held.size();
    }

    @Override
    public Repository create(RepoName name) throws IOException {
        Path dir = path(name);
        Files.createDirectories(dir.getParent());
        try {
            // the atomic mkdir decides which of two concurrent creators wins
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException("repository " + name + " already exists");
        }
        try {
            try (Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
                repo.create(true);
                PackedRefs.ensure(dir);
                StoredConfig cfg = repo.getConfig();
                cfg.setBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC, false);
                cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, true);
                cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_COMMIT_GRAPH, true);
                cfg.setBoolean(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_WRITE_COMMIT_GRAPH, true);
                cfg.save();
                RefUpdate head = repo.updateRef(Constants.HEAD);
                head.disableRefLog();
                head.link(MAIN);
            }
        } catch (IOException | RuntimeException e) {
            removeTree(dir);
            throw e;
        }
        created.accept(name);
        return open(name);
    }

    @Override
    public void delete(RepoName name) throws IOException {
        Path dir = path(name);
        gc.forget(dir);
        Held hold = held.remove(name);
        if (hold != null) {
            hold.repo.close();
        }
        RepositoryCache.unregister(key(name));
        withPackedRefs.remove(name);
        removeTree(dir);
        try {
            Files.deleteIfExists(dir.getParent());
        } catch (DirectoryNotEmptyException e) {
            // the team still has other repositories
        }
    }

    @Override
    public void pushed(RepoName name) {
        gc.pushed(path(name));
    }

    private RepositoryCache.FileKey key(RepoName name) {
        return RepositoryCache.FileKey.exact(path(name).toFile(), FS.DETECTED);
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // already gone
                }
            }
        }
    }
}
