package dev.flowstage.storage.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;

/** Reads the snapshot files (SPEC §3.2) at the root of a commit's or tree's tree; other entries are ignored. */
public final class SnapshotReader {
    private SnapshotReader() {}

    /**
     * Reads the snapshot of {@code commitOrTree} (a commit, an annotated tag of one, or a tree).
     *
     * @throws InvalidSnapshotException when a snapshot file name is taken by a folder, link or submodule
     */
    public static Snapshot read(Repository repo, AnyObjectId commitOrTree) throws IOException {
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevObject obj = walk.peel(walk.parseAny(commitOrTree));
            RevTree tree = switch (obj.getType()) {
                case Constants.OBJ_COMMIT -> walk.parseCommit(obj).getTree();
                case Constants.OBJ_TREE -> walk.parseTree(obj);
                default -> throw new IllegalArgumentException(
                        commitOrTree.name() + " is neither a commit nor a tree");
            };
            return read(reader, tree);
        }
    }

    /** Reads the snapshot files at the root of {@code tree}. */
    public static Snapshot read(ObjectReader reader, RevTree tree) throws IOException {
        TreeMap<String, byte[]> files = new TreeMap<>();
        List<SnapshotProblem> problems = new ArrayList<>();
        for (SnapshotEntries.Entry e : SnapshotEntries.of(reader, tree)) {
            if (!e.isFile()) {
                problems.add(SnapshotProblem.of(e.name(), "must be a regular file, not " + e.kind()));
                continue;
            }
            files.put(e.name(), reader.open(e.id(), Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(problems);
        }
        return new Snapshot(files);
    }
}
