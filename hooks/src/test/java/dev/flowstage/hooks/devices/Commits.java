package dev.flowstage.hooks.devices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;

/** Commits written straight onto a branch, as the server's own writers do. */
final class Commits {
    private Commits() {}

    static ObjectId commit(Repository repo, String branch, String content) throws IOException {
        ObjectId parent = repo.resolve(branch);
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE, blob);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            if (parent != null) {
                cb.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("test", "test@flowstage");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(content);
            ObjectId id = ins.insert(cb);
            ins.flush();
            RefUpdate ru = repo.updateRef(branch);
            ru.setNewObjectId(id);
            ru.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("update failed: " + r);
            }
            return id;
        }
    }
}
