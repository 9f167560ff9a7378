package dev.flowstage.storage.snapshot;

import dev.flowstage.storage.repo.RepoLocks;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * Writes a {@link Snapshot} into a repository as a tree, or as a commit on top of given parents.
 * It never moves a ref: the caller (a promotion, a review) updates the ref atomically.
 */
public final class SnapshotWriter {
    private SnapshotWriter() {}

    /** Inserts the snapshot's blobs and its tree; the caller flushes {@code inserter}. */
    public static ObjectId insertTree(ObjectInserter inserter, Snapshot snapshot) throws IOException {
        TreeFormatter tree = new TreeFormatter();
        // Snapshot names are ASCII file names in a sorted map: String order equals Git's tree order.
        for (String name : snapshot.names()) {
            ObjectId blob = inserter.insert(Constants.OBJ_BLOB, snapshot.raw(name));
            tree.append(name, FileMode.REGULAR_FILE, blob);
        }
        return inserter.insert(tree);
    }

    /** Inserts the snapshot as a commit with {@code parents} (none for a root commit) and returns its id. */
    public static ObjectId commit(Repository repo, Snapshot snapshot, List<? extends AnyObjectId> parents,
            PersonIdent author, PersonIdent committer, String message) throws IOException {
        try (RepoLocks.Held writing = RepoLocks.writing(repo.getDirectory());
                ObjectInserter inserter = repo.newObjectInserter()) {
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(insertTree(inserter, snapshot));
            commit.setParentIds(parents);
            commit.setAuthor(author);
            commit.setCommitter(committer);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        }
    }
}
