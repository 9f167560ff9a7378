package dev.flowstage.hooks.nodered;

import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Server-side writes of snapshots to a target repository: a commit on {@code main} that moves the ref only
 * from the commit it was built on, and annotated tags {@code refs/tags/NAME} naming a snapshot.
 */
public final class MainBranch {
    public static final String MAIN = "refs/heads/main";

    private MainBranch() {}

    /** Where main points now, or null when it does not exist yet. */
    public static ObjectId head(Repository repo) throws IOException {
        Ref main = repo.exactRef(MAIN);
        return main == null ? null : main.getObjectId();
    }

    /**
     * Commits {@code snapshot} on top of {@code expectedOld} (null: as the first commit) and moves main to it.
     * @throws MetaConflictException when main no longer points at {@code expectedOld}
     */
    public static ObjectId commit(Repository repo, ObjectId expectedOld, Snapshot snapshot, PersonIdent author,
            String message) throws IOException {
        ObjectId id = SnapshotWriter.commit(repo, snapshot, expectedOld == null ? List.of() : List.of(expectedOld),
                author, author, message);
        RefUpdate ru = repo.updateRef(MAIN);
        ru.setExpectedOldObjectId(expectedOld == null ? ObjectId.zeroId() : expectedOld);
        ru.setNewObjectId(id);
        ru.setRefLogIdent(author);
        ru.setRefLogMessage("snapshot: " + firstLine(message), false);
        RefUpdate.Result result = ru.update();
        switch (result) {
            case NEW, FAST_FORWARD -> {
                return id;
            }
            case LOCK_FAILURE, REJECTED -> throw new MetaConflictException(
                    "main moved while the snapshot was being written; try again");
            default -> throw new IOException("cannot update " + MAIN + ": " + result);
        }
    }

    /** Whether {@code name} can be a tag name: a valid Git ref name of letters, digits, '.', '_', '-' and '/'. */
    public static boolean isValidTagName(String name) {
        return name != null && name.length() <= 100 && name.matches("[A-Za-z0-9._/-]+")
                && Repository.isValidRefName(Constants.R_TAGS + name);
    }

    /**
     * Creates the annotated tag {@code refs/tags/NAME} on {@code commit}; a tag of that name on the same
     * commit is kept as it is.
     * @throws MetaConflictException when the name already tags another commit
     * @throws IllegalArgumentException when the name cannot be a tag name
     */
    public static void tag(Repository repo, ObjectId commit, String name, String message, PersonIdent tagger)
            throws IOException {
        if (!isValidTagName(name)) {
            throw new IllegalArgumentException("'" + name + "' cannot be a tag name");
        }
        String refName = Constants.R_TAGS + name;
        Ref existing = repo.exactRef(refName);
        if (existing != null) {
            if (commit.equals(peel(repo, existing.getObjectId()))) {
                return;
            }
            throw new MetaConflictException("snapshot name '" + name + "' is taken: tag " + name
                    + " already names commit " + peel(repo, existing.getObjectId()).name());
        }
        ObjectId tagId;
        try (RepoLocks.Held writing = RepoLocks.writing(repo.getDirectory());
                ObjectInserter ins = repo.newObjectInserter()) {
            TagBuilder tag = new TagBuilder();
            tag.setObjectId(commit, Constants.OBJ_COMMIT);
            tag.setTag(name);
            tag.setTagger(tagger);
            tag.setMessage(message.endsWith("\n") ? message : message + "\n");
            tagId = ins.insert(tag);
            ins.flush();
        }
        RefUpdate ru = repo.updateRef(refName);
        ru.setExpectedOldObjectId(ObjectId.zeroId());
        ru.setNewObjectId(tagId);
        ru.setRefLogIdent(tagger);
        RefUpdate.Result result = ru.update();
        if (result == RefUpdate.Result.LOCK_FAILURE || result == RefUpdate.Result.REJECTED) {
            throw new MetaConflictException("tag " + name + " was created by someone else meanwhile");
        }
        if (result != RefUpdate.Result.NEW) {
            throw new IOException("cannot create " + refName + ": " + result);
        }
    }

    private static ObjectId peel(Repository repo, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevObject o = walk.peel(walk.parseAny(id));
            return o.copy();
        }
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
