package dev.flowstage.storage.share;

import dev.flowstage.storage.repo.PackedRefUpdate;
import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Moves the {@code main} of many device repositories to commits their lender holds: one ref write per
 * device, no object written. The same call moves a whole group, a wave of it, or puts a wave back to
 * the commits it had (each device may get its own commit). A device that no longer borrows from the
 * lender (it left the group meanwhile) is skipped, so its self-contained copy is never pointed at
 * objects it lacks.
 */
public final class DeviceMains {
    public static final String MAIN = Constants.R_HEADS + "main";

    /**
     * What a move did: {@code previous} maps each moved device to the commit its main had (null: none);
     * {@code unchanged} were already there; {@code skipped} do not borrow from the lender or have no repository.
     */
    public record Moved(Map<String, ObjectId> previous, List<String> unchanged, List<String> skipped) {
        public Moved {
            previous = Collections.unmodifiableMap(new LinkedHashMap<>(previous));
            unchanged = List.copyOf(unchanged);
            skipped = List.copyOf(skipped);
        }
    }

    /** Ref writes in flight at once during a move. */
    static final int PARALLEL = 8;

    private final RepoStore repos;
    private final SharedObjects shared;

    public DeviceMains(RepoStore repos, SharedObjects shared) {
        this.repos = Objects.requireNonNull(repos);
        this.shared = Objects.requireNonNull(shared);
    }

    /**
     * Points {@code main} of each device of {@code team} at its commit in {@code targets}; {@code lender}
     * is the repository that holds those commits (a group, or an instance for deployToDevices).
     */
    public Moved move(String team, RepoName lender, Map<String, ObjectId> targets) throws IOException {
        Path lenderObjects = shared.objectsDir(lender);
        List<Map.Entry<String, ObjectId>> todo = new ArrayList<>(targets.entrySet());
        Outcome[] outcomes = new Outcome[todo.size()];
        // a ref write is a lock file, a write and a rename: latency of the file system, not CPU, so a few
        // run at once (devices are separate repositories and separate files); each worker takes the next
        // device until none is left and parses commits with its own walk over the lender (see moveOne)
        int threads = Math.min(PARALLEL, todo.size());
        AtomicInteger next = new AtomicInteger();
        Repository opened;
        try {
            opened = repos.open(lender);
        } catch (RepositoryNotFoundException gone) {
            // nothing borrows from a lender that does not exist
            return new Moved(Map.of(), List.of(), List.copyOf(targets.keySet()));
        }
        try (Repository lenderRepo = opened) {
            Callable<Void> worker = () -> {
                try (RevWalk walk = new RevWalk(lenderRepo)) {
                    for (int i = next.getAndIncrement(); i < todo.size(); i = next.getAndIncrement()) {
                        outcomes[i] = moveOne(team, lenderObjects, walk, todo.get(i));
                    }
                }
                return null;
            };
            if (threads <= 1) {
                call(worker);
            } else {
                runAll(worker, threads);
            }
        }
        Map<String, ObjectId> previous = new LinkedHashMap<>();
        List<String> unchanged = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            String device = todo.get(i).getKey();
            switch (outcomes[i].kind()) {
                case MOVED -> previous.put(device, outcomes[i].old());
                case UNCHANGED -> unchanged.add(device);
                case SKIPPED -> skipped.add(device);
            }
        }
        return new Moved(previous, unchanged, skipped);
    }

    private static void call(Callable<Void> worker) throws IOException {
        try {
            worker.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot move device mains: " + e, e);
        }
    }

    private static void runAll(Callable<Void> worker, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "device-fan-out");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(worker));
            }
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while moving device mains");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot move device mains: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private enum Kind { MOVED, UNCHANGED, SKIPPED }

    private record Outcome(Kind kind, ObjectId old) {}

    /**
     * One device's ref write. The commits are parsed by {@code lenderWalk}, a walk over the lender: the device
     * borrows exactly those objects (checked here, under the device's lock), and a commit the walk parsed once
     * is not looked up again for the next device (through each device's own object directory it would be:
     * its loose objects, its pack directory scanned again, then the alternate's). No reflog is written: the
     * server is the only writer of a device's main and every move is in its run's log (and a rollout's
     * record), so nothing reads it, and a reflog would be a second file, and a 4 KiB block, per device.
     * For the same reason a main that is not a loose ref file already (every main this class creates) is set
     * in the device's {@code packed-refs} file ({@link PackedRefUpdate}: the same lock, write and rename, of
     * a file the repository has from its creation), so a first deploy adds no file per device either; a
     * loose main (written by a device stage's promotion) is updated where it is.
     */
    private Outcome moveOne(String team, Path lenderObjects, RevWalk lenderWalk, Map.Entry<String, ObjectId> e)
            throws IOException {
        RepoName device = new RepoName(team, e.getKey());
        Repository repo;
        try {
            repo = repos.open(device);
        } catch (RepositoryNotFoundException gone) {
            return new Outcome(Kind.SKIPPED, null);
        }
        try (repo; RepoLocks.Held writing = RepoLocks.writing(repo.getDirectory())) {
            if (!Alternates.read(repo.getDirectory().toPath()).contains(lenderObjects)) {
                return new Outcome(Kind.SKIPPED, null);
            }
            Ref current = repo.exactRef(MAIN);
            ObjectId target = lenderWalk.parseCommit(e.getValue()).copy();
            ObjectId old = current == null ? null : current.getObjectId();
            if (target.equals(old)) {
                return new Outcome(Kind.UNCHANGED, old);
            }
            // set in packed-refs unless main is a loose file already (PackedRefUpdate checks that itself)
            if (PackedRefUpdate.set(repo, MAIN, target)) {
                return new Outcome(Kind.MOVED, old);
            }
            RefUpdate ru = repo.updateRef(MAIN);
            ru.setNewObjectId(e.getValue());
            ru.setForceUpdate(true);
            ru.disableRefLog();
            RefUpdate.Result result = ru.update(lenderWalk);
            return switch (result) {
                case NEW, FAST_FORWARD, FORCED -> new Outcome(Kind.MOVED, ru.getOldObjectId());
                case NO_CHANGE -> new Outcome(Kind.UNCHANGED, ru.getOldObjectId());
                default -> throw new IOException("cannot move main of " + device + ": " + result);
            };
        }
    }

    /** The current {@code main} of each device (null when it has none or no repository). */
    public Map<String, ObjectId> mains(String team, Iterable<String> devices) throws IOException {
        Map<String, ObjectId> out = new LinkedHashMap<>();
        for (String d : devices) {
            try (Repository repo = repos.open(new RepoName(team, d))) {
                Ref main = repo.exactRef(MAIN);
                out.put(d, main == null ? null : main.getObjectId());
            } catch (RepositoryNotFoundException e) {
                out.put(d, null);
            }
        }
        return out;
    }
}
