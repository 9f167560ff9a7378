package dev.flowstage.hooks.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.hooks.nodered.NodeRedJson;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotProblem;
import dev.flowstage.storage.snapshot.SnapshotValidator;
import java.io.IOException;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the snapshot a fetched commit of an external repository holds at {@code path}: a FlowFuse snapshot
 * file when {@code path} ends in {@code .json}, else a Node-RED Project layout in that folder (the root when
 * empty): {@code flows.json} (or the {@code flowFile} its package.json names), the credentials file,
 * {@code package.json} and {@code README.md}. The result is the target's next snapshot (its own
 * settings.json and env.json kept unless the remote gives them), validated like a push.
 */
public final class RemoteSnapshotReader {
    private static final SnapshotValidator VALIDATOR = new SnapshotValidator();

    private RemoteSnapshotReader() {}

    /** @throws RemoteFailure NOT_A_SNAPSHOT naming the remote file, and line and column where they are known */
    public static Snapshot read(Repository repo, ObjectId commit, String path, Snapshot current, String targetName,
                                String targetSecret) throws RemoteFailure {
        String clean = path == null ? "" : path.replaceAll("^/+|/+$", "");
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            RevCommit c = walk.parseCommit(commit);
            Snapshot next;
            String prefix;
            if (clean.endsWith(".json")) {
                byte[] file = blob(reader, c, clean);
                if (file == null) {
                    throw FlowFuseSnapshotFile.notSnapshot(clean + " does not exist on the branch");
                }
                next = FlowFuseSnapshotFile.read(clean, file, current, targetName, targetSecret);
                prefix = clean + " → ";
            } else {
                prefix = clean.isEmpty() ? "" : clean + "/";
                next = project(reader, c, prefix, current);
            }
            List<SnapshotProblem> problems = VALIDATOR.validate(next);
            if (!problems.isEmpty()) {
                SnapshotProblem p = problems.get(0);
                throw FlowFuseSnapshotFile.notSnapshot(prefix + p.describe());
            }
            return next;
        } catch (IOException e) {
            throw new RemoteFailure(RemoteFailure.Reason.FAILED, "cannot read the fetched commit: " + e.getMessage());
        }
    }

    private static Snapshot project(ObjectReader reader, RevCommit c, String prefix, Snapshot current)
            throws IOException, RemoteFailure {
        String flowFile = SnapshotFiles.FLOWS;
        String credFile = SnapshotFiles.CREDENTIALS;
        byte[] pkg = blob(reader, c, prefix + SnapshotFiles.PACKAGE);
        if (pkg != null) {
            try {
                JsonNode s = NodeRedJson.MAPPER.readTree(pkg).path("node-red").path("settings");
                flowFile = s.path("flowFile").isTextual() ? s.get("flowFile").asText() : flowFile;
                credFile = s.path("credentialsFile").isTextual() ? s.get("credentialsFile").asText()
                        : flowFile.endsWith(".json") ? flowFile.substring(0, flowFile.length() - 5) + "_cred.json" : credFile;
            } catch (IOException unreadable) {
                // the validator names the problem in package.json below
            }
        }
        byte[] flows = blob(reader, c, prefix + flowFile);
        if (flows == null) {
            throw FlowFuseSnapshotFile.notSnapshot((prefix.isEmpty() ? "the repository root" : prefix)
                    + " has no " + flowFile + " (give 'path' a FlowFuse snapshot file or a Node-RED project folder)");
        }
        Snapshot next = current.with(SnapshotFiles.FLOWS, flows).without(SnapshotFiles.CREDENTIALS);
        byte[] cred = blob(reader, c, prefix + credFile);
        if (cred != null) {
            next = next.with(SnapshotFiles.CREDENTIALS, cred);
        }
        if (pkg != null) {
            next = next.with(SnapshotFiles.PACKAGE, pkg);
        }
        for (String name : List.of(SnapshotFiles.README, SnapshotFiles.ENV, SnapshotFiles.SETTINGS)) {
            byte[] b = blob(reader, c, prefix + name);
            if (b != null) {
                next = next.with(name, b);
            }
        }
        return next;
    }

    private static byte[] blob(ObjectReader reader, RevCommit c, String path) throws IOException {
        try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
            if (tw == null || (tw.getRawMode(0) & org.eclipse.jgit.lib.FileMode.TYPE_MASK)
                    != org.eclipse.jgit.lib.FileMode.TYPE_FILE) {
                return null;
            }
            return reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(32 * 1024 * 1024);
        }
    }
}
