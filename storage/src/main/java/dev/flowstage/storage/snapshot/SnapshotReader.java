package dev.flowstage.storage.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

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
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            tw.setRecursive(false);
            while (tw.next()) {
                String name = tw.getPathString();
                if (!SnapshotFiles.isSnapshotFile(name)) {
                    continue;
                }
                FileMode mode = tw.getFileMode(0);
                if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                    problems.add(SnapshotProblem.of(name, "must be a regular file, not " + describe(mode)));
                    continue;
                }
                files.put(name, reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSnapshotException(problems);
        }
        return new Snapshot(files);
    }

    private static String describe(FileMode mode) {
        if (mode == FileMode.TREE) {
            return "a folder";
        }
        if (mode == FileMode.SYMLINK) {
            return "a symbolic link";
        }
        if (mode == FileMode.GITLINK) {
            return "a submodule";
        }
        return "an entry of mode " + mode;
    }
}
