package dev.flowstage.storage.meta;

import dev.flowstage.storage.repo.RefCache;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import dev.flowstage.storage.repo.RepoLocks;
import java.util.function.Function;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Metadata kept as the file tree of the commit a ref points to (Gerrit's VersionedMetaData shape):
 * read the files, let a function compute the new files, commit with the old commit as parent and
 * move the ref only if it still points where it did, re-applying the function when it moved.
 */
public final class MetaRef {
    /** The files at one commit; {@code commit} is null (and files empty) when the ref does not exist yet. */
    public record Snapshot(ObjectId commit, Map<String, byte[]> files) {
        public Snapshot {
            files = Collections.unmodifiableMap(new TreeMap<>(files));
        }

        public boolean isEmpty() {
            return commit == null;
        }
    }

    static final int MAX_ATTEMPTS = 8;
    // Writers of one ref in this process queue up here, so expected-old-id failures only come from
    // other processes (or a push to the same repo) and retries stay rare.
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Repository repo;
    private final String refName;

    public MetaRef(Repository repo, String refName) {
        this.repo = repo;
        this.refName = refName;
    }

    public String refName() {
        return refName;
    }

    /** The commit the ref points to, or null when it does not exist: the cheap read used as a cache key. */
    public ObjectId head() throws IOException {
        Ref ref = repo.exactRef(refName);
        return ref == null ? null : ref.getObjectId();
    }

    /**
     * {@link #head()} kept until JGit reports a change of one of the repository's refs in this process
     * ({@link RefCache} says which writers that covers: every JGit ref update, through any instance, of a
     * repository with a {@code packed-refs} file): for readers that ask on every request (the site's
     * tokens, a team's config). Writers use {@link #head()}, which reads the ref from disk.
     */
    public ObjectId cachedHead() throws IOException {
        return RefCache.shared().get(repo, new HeadKey(refName), this::head);
    }

    private record HeadKey(String refName) {}

    public Snapshot read() throws IOException {
        return read(head());
    }

    /** All files in the tree of {@code commit} (null: the empty snapshot). */
    public Snapshot read(ObjectId commit) throws IOException {
        if (commit == null) {
            return new Snapshot(null, Map.of());
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            RevCommit c = rw.parseCommit(commit);
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(c.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                        files.put(tw.getPathString(), reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getBytes());
                    }
                }
            }
        }
        return new Snapshot(commit.copy(), files);
    }

    /**
     * Commits the file map {@code edit} returns for the current snapshot (the complete new tree).
     * Returns the snapshot written, or the current one when {@code edit} changed nothing.
     * Exceptions thrown by {@code edit} propagate unchanged and nothing is written.
     * @throws MetaConflictException when the ref kept moving through every attempt
     */
    public Snapshot update(String message, PersonIdent author, Function<Snapshot, Map<String, byte[]>> edit)
            throws IOException {
        Lock writing = RepoLocks.of(repo.getDirectory()).readLock();
        writing.lock();
        ReentrantLock lock = LOCKS.computeIfAbsent(lockKey(), k -> new ReentrantLock());
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Snapshot current = read();
                Map<String, byte[]> next = edit.apply(current);
                if (sameFiles(current.files(), next)) {
                    return current;
                }
                Snapshot written = tryCommit(current, next, message, author);
                if (written != null) {
                    return written;
                }
            }
        } finally {
            lock.unlock();
            writing.unlock();
        }
        throw new MetaConflictException(refName + " kept changing while it was being updated; try again");
    }

    /** What {@link #edit} left: the commit the ref points to now, its previous one and the blob id of each file written. */
    public record Edited(ObjectId parent, ObjectId commit, Map<String, ObjectId> blobs) {
        public boolean changed() {
            return !Objects.equals(parent, commit);
        }
    }

    /**
     * The incremental form of {@link #update}: {@code edit} reads what it needs from the current tree and
     * returns only the files to write or remove. Re-applied when the ref moved; exceptions thrown by
     * {@code edit} propagate unchanged and nothing is written. A change that leaves the tree as it was
     * commits nothing.
     * @throws MetaConflictException when the ref kept moving through every attempt
     */
    public Edited edit(String message, PersonIdent author, Function<MetaTree, MetaChange> edit) throws IOException {
        Lock writing = RepoLocks.of(repo.getDirectory()).readLock();
        writing.lock();
        ReentrantLock lock = LOCKS.computeIfAbsent(lockKey(), k -> new ReentrantLock());
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                ObjectId head = head();
                try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
                        ObjectInserter ins = repo.newObjectInserter()) {
                    MetaTree current = new MetaTree(reader, head, head == null ? null : rw.parseCommit(head).getTree());
                    MetaChange change = edit.apply(current);
                    if (change.isEmpty()) {
                        return new Edited(head, head, Map.of());
                    }
                    Map<String, ObjectId> blobs = new HashMap<>();
                    ObjectId tree = current.apply(change, ins, blobs);
                    if (current.tree() != null && tree.equals(current.tree())) {
                        return new Edited(head, head, Map.copyOf(blobs));
                    }
                    ObjectId commitId = insertCommit(ins, tree, head, message, author);
                    if (moveRef(head, commitId, message, author)) {
                        return new Edited(head, commitId, Map.copyOf(blobs));
                    }
                }
            }
        } finally {
            lock.unlock();
            writing.unlock();
        }
        throw new MetaConflictException(refName + " kept changing while it was being updated; try again");
    }

    /** The files under {@code folder} at {@code commit} (null: none), at any depth: relative path → blob id. */
    public Map<String, ObjectId> files(ObjectId commit, String folder) throws IOException {
        if (commit == null) {
            return Map.of();
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
            return MetaTree.files(reader, rw.parseCommit(commit).getTree(), folder);
        }
    }

    /** The content of blob {@code id}. */
    public byte[] blob(ObjectId id) throws IOException {
        try (ObjectReader reader = repo.newObjectReader()) {
            return reader.open(id, Constants.OBJ_BLOB).getBytes();
        }
    }

    private Snapshot tryCommit(Snapshot current, Map<String, byte[]> next, String message, PersonIdent author)
            throws IOException {
        ObjectId commitId;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, byte[]> file : new TreeMap<>(next).entrySet()) {
                DirCacheEntry entry = newEntry(file.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(ins.insert(Constants.OBJ_BLOB, file.getValue()));
                builder.add(entry);
            }
            builder.finish();
            commitId = insertCommit(ins, index.writeTree(ins), current.commit(), message, author);
        }
        return moveRef(current.commit(), commitId, message, author) ? new Snapshot(commitId, next) : null;
    }

    private static ObjectId insertCommit(ObjectInserter ins, ObjectId tree, ObjectId parent, String message,
            PersonIdent author) throws IOException {
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        if (parent != null) {
            cb.setParentId(parent);
        }
        cb.setAuthor(author);
        cb.setCommitter(author);
        cb.setMessage(message.endsWith("\n") ? message : message + "\n");
        ObjectId id = ins.insert(cb);
        ins.flush();
        return id;
    }

    /** Moves the ref from {@code old} to {@code commitId}; false when it no longer pointed at {@code old}. */
    private boolean moveRef(ObjectId old, ObjectId commitId, String message, PersonIdent author) throws IOException {
        RefUpdate ru = repo.updateRef(refName);
        ru.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
        ru.setNewObjectId(commitId);
        ru.setRefLogIdent(author);
        ru.setRefLogMessage("meta: " + firstLine(message), false);
        RefUpdate.Result result = ru.update();
        switch (result) {
            case NEW, FAST_FORWARD:
                return true;
            case LOCK_FAILURE, REJECTED:
                return false;
            default:
                throw new IOException("cannot update " + refName + ": " + result);
        }
    }

    private static DirCacheEntry newEntry(String path) {
        try {
            return new DirCacheEntry(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid metadata file path '" + path + "'", e);
        }
    }

    private String lockKey() {
        return repo.getDirectory().getAbsolutePath() + "\0" + refName;
    }

    private static boolean sameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
