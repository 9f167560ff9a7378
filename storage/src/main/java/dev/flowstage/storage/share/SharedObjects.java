package dev.flowstage.storage.share;

import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.util.FS;

/**
 * Which repositories a repository borrows objects from (Git alternates). A device borrows from its group
 * (and from its instance), so a group deploy moves each device's {@code main} without copying a byte.
 * Dropping a lender first copies in, as one pack, every object the borrower's refs reach that no remaining
 * lender holds: a device that leaves its group keeps a self-contained repository.
 */
public final class SharedObjects {
    private final RepoStore repos;

    public SharedObjects(RepoStore repos) {
        this.repos = Objects.requireNonNull(repos);
    }

    /** The objects directory of {@code repo}, as alternates name it. */
    public Path objectsDir(RepoName repo) {
        return repos.path(repo).resolve("objects").toAbsolutePath().normalize();
    }

    /** The object directories {@code borrower} reads from besides its own. */
    public Set<Path> lenders(RepoName borrower) throws IOException {
        return Alternates.read(repos.path(borrower));
    }

    /**
     * Makes {@code borrower} borrow from exactly {@code lenders}, copying in first what a dropped lender
     * alone held. Holds the borrower's exclusive lock meanwhile (no push, promotion, device move or GC
     * runs on it). Returns whether anything changed.
     */
    public boolean lend(RepoName borrower, Collection<RepoName> lenders) throws IOException {
        Set<Path> wanted = new LinkedHashSet<>();
        for (RepoName l : lenders) {
            if (l.equals(borrower)) {
                throw new IllegalArgumentException(borrower + " cannot borrow from itself");
            }
            if (!repos.exists(l)) {
                throw new IOException("cannot borrow objects from " + l + ": it has no repository");
            }
            wanted.add(objectsDir(l));
        }
        try (Repository repo = repos.open(borrower)) {
            Lock exclusive = RepoLocks.of(repo.getDirectory()).writeLock();
            exclusive.lock();
            try {
                Path gitDir = repo.getDirectory().toPath();
                Set<Path> current = Alternates.read(gitDir);
                if (current.equals(wanted)) {
                    return false;
                }
                if (!wanted.containsAll(current)) {
                    copyIn(repo, wanted);
                }
                Alternates.write(gitDir, wanted);
                // JGit reads the alternates file once per open object database: closing it makes the cached
                // handle read the new list (and rescan its packs) at its next lookup
                repo.getObjectDatabase().close();
                return true;
            } finally {
                exclusive.unlock();
            }
        }
    }

    /** Copies into {@code repo}'s own object directory every object its refs reach that neither it nor {@code kept} holds. */
    private static void copyIn(Repository repo, Set<Path> kept) throws IOException {
        File objects = repo.getDirectory().toPath().resolve("objects").toFile();
        File[] keptDirs = kept.stream().map(Path::toFile).toArray(File[]::new);
        ObjectDirectory local = new ObjectDirectory(repo.getConfig(), objects, new File[0], FS.DETECTED, null);
        ObjectDirectory afterwards = new ObjectDirectory(repo.getConfig(), objects, keptDirs, FS.DETECTED, null);
        try (ObjectReader reader = repo.newObjectReader(); ObjectWalk walk = new ObjectWalk(reader);
                PackInserter ins = local.newPackInserter()) {
            ins.checkExisting(false);
            List<Ref> refs = new ArrayList<>(repo.getRefDatabase().getRefs());
            Set<ObjectId> starts = new HashSet<>();
            for (Ref r : refs) {
                ObjectId id = r.getPeeledObjectId() != null ? r.getPeeledObjectId() : r.getObjectId();
                if (id != null && starts.add(id)) {
                    walk.markStart(walk.parseAny(id));
                }
                if (r.getObjectId() != null && !r.getObjectId().equals(id) && starts.add(r.getObjectId())) {
                    walk.markStart(walk.parseAny(r.getObjectId()));
                }
            }
            int copied = 0;
            for (RevObject o = walk.next(); o != null; o = walk.next()) {
                copied += copy(reader, afterwards, ins, o);
            }
            for (RevObject o = walk.nextObject(); o != null; o = walk.nextObject()) {
                copied += copy(reader, afterwards, ins, o);
            }
            if (copied > 0) {
                ins.flush();
            }
        } finally {
            local.close();
            afterwards.close();
        }
    }

    private static int copy(ObjectReader reader, ObjectDirectory afterwards, PackInserter ins, RevObject o)
            throws IOException {
        if (afterwards.has(o)) {
            return 0;
        }
        ObjectLoader loader = reader.open(o, o.getType());
        if (loader.isLarge()) {
            try (var in = loader.openStream()) {
                ins.insert(o.getType(), loader.getSize(), in);
            }
        } else {
            ins.insert(o.getType(), loader.getCachedBytes());
        }
        return 1;
    }
}
