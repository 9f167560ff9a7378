package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.remote.RemoteEndpoint;
import dev.flowstage.hooks.remote.RemoteFailure;
import dev.flowstage.hooks.remote.RemoteGit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * What the instances that follow one remote share, per team and remote (URL, protocol, credentials and CA:
 * {@link RemoteEndpoint#identity}): its ref advertisement, asked for once by all the syncs that ask while it
 * runs and reused by those content with an answer not older than they say; and a private bare mirror
 * ({@code ROOT/TEAM/remotes/ID.git}) that one fetch fills for all of them, so a push to a remote that a
 * thousand instances follow is fetched once. The remote's history never enters an instance's repository.
 */
public final class UpstreamRemotes implements AutoCloseable {
    private final RemoteGit git;
    private final Path root;
    private final Clock clock;
    private final Map<String, Advertisement> advertisements = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> fetching = new ConcurrentHashMap<>();
    private final Map<String, Repository> mirrors = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong advertised = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fetched = new java.util.concurrent.atomic.AtomicLong();

    /** One ref advertisement of a remote: when it started, and its answer (branch → commit) once there. */
    private record Advertisement(Instant started, CompletableFuture<Map<String, ObjectId>> refs) {}

    /** @param root the folder of the mirrors (e.g. DATA/upstream) */
    public UpstreamRemotes(RemoteGit git, Path root, Clock clock) {
        this.git = git;
        this.root = root;
        this.clock = clock;
    }

    /**
     * The commit {@code branch} points at, from an advertisement that started at {@code notBefore} or later: an
     * answer already there or under way when it is that recent, else a new one (which the syncs that ask
     * meanwhile share). A failed advertisement is shared only by the syncs that waited for it.
     * @throws RemoteFailure BRANCH_NOT_FOUND, or why the remote could not be read
     */
    public ObjectId head(String team, RemoteEndpoint e, String branch, Instant notBefore) throws RemoteFailure {
        String key = team + "/" + e.identity();
        while (true) {
            Advertisement a = advertisements.get(key);
            if (a == null || a.started().isBefore(notBefore) || failed(a)) {
                Advertisement mine = new Advertisement(clock.instant(), new CompletableFuture<>());
                boolean won = a == null ? advertisements.putIfAbsent(key, mine) == null : advertisements.replace(key, a, mine);
                if (!won) {
                    continue; // another sync started one at the same moment: share that
                }
                advertised.incrementAndGet();
                try {
                    Map<String, ObjectId> refs = new java.util.HashMap<>();
                    for (Map.Entry<String, Ref> r : git.refs(e).entrySet()) {
                        if (r.getValue().getObjectId() != null) {
                            refs.put(r.getKey(), r.getValue().getObjectId());
                        }
                    }
                    mine.refs().complete(Map.copyOf(refs));
                } catch (RemoteFailure | RuntimeException f) {
                    mine.refs().completeExceptionally(f);
                }
                a = mine;
            }
            Map<String, ObjectId> refs = answer(a);
            ObjectId head = refs.get(Constants.R_HEADS + branch);
            if (head == null) {
                throw new RemoteFailure(RemoteFailure.Reason.BRANCH_NOT_FOUND, "'" + branch + "' does not exist on "
                        + e.displayUrl());
            }
            return head;
        }
    }

    /**
     * The remote's mirror, holding {@code head} (fetched with {@code branch} unless a sync of another follower
     * already brought it); not to be closed by the caller. Fetches into one mirror run one at a time.
     * @return the mirror and the commit to read: {@code head}, or the branch's newer tip when it moved meanwhile
     */
    public Fetched fetch(String team, RemoteEndpoint e, String branch, ObjectId head) throws RemoteFailure, IOException {
        String key = team + "/" + e.identity();
        ReentrantLock lock = fetching.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Repository mirror = mirrors.get(key);
            if (mirror == null) {
                mirror = open(dir(team, e));
                mirrors.put(key, mirror);
            }
            if (mirror.getObjectDatabase().has(head)) {
                return new Fetched(mirror, head);
            }
            fetched.incrementAndGet();
            return new Fetched(mirror, git.fetch(e, mirror, branch, "refs/upstream/" + branch, 0));
        } finally {
            lock.unlock();
        }
    }

    /** The remote's mirror when a sync made one (not to be closed by the caller), for reading what it fetched. */
    public java.util.Optional<Repository> mirror(String team, RemoteEndpoint e) throws IOException {
        String key = team + "/" + e.identity();
        Repository open = mirrors.get(key);
        if (open != null) {
            return java.util.Optional.of(open);
        }
        Path dir = dir(team, e);
        if (!Files.exists(dir.resolve("HEAD"))) {
            return java.util.Optional.empty();
        }
        ReentrantLock lock = fetching.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Repository r = mirrors.get(key);
            if (r == null) {
                r = new FileRepository(dir.toFile());
                mirrors.put(key, r);
            }
            return java.util.Optional.of(r);
        } finally {
            lock.unlock();
        }
    }

    private Path dir(String team, RemoteEndpoint e) {
        return root.resolve(team).resolve("remotes").resolve(e.identity().substring(0, 32) + ".git");
    }

    /** Ref advertisements asked of remotes since the start (for the benchmark and metrics). */
    public long advertisements() {
        return advertised.get();
    }

    /** Fetches made since the start (for the benchmark and metrics). */
    public long fetches() {
        return fetched.get();
    }

    /** A mirror and the commit of it a sync reads. */
    public record Fetched(Repository mirror, ObjectId commit) {}

    @Override
    public void close() {
        mirrors.values().forEach(Repository::close);
        mirrors.clear();
    }

    private static boolean failed(Advertisement a) {
        return a.refs().isCompletedExceptionally();
    }

    private static Map<String, ObjectId> answer(Advertisement a) throws RemoteFailure {
        try {
            return a.refs().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteFailure(RemoteFailure.Reason.FAILED, "interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RemoteFailure f) {
                throw f; // the same failure for every sync that waited for this advertisement
            }
            throw new RemoteFailure(RemoteFailure.Reason.FAILED, String.valueOf(e.getCause().getMessage()));
        }
    }

    private static Repository open(Path dir) throws IOException {
        FileRepository repo = new FileRepository(dir.toFile());
        if (!Files.exists(dir.resolve("HEAD"))) {
            Files.createDirectories(dir.getParent());
            repo.create(true);
        }
        return repo;
    }
}
