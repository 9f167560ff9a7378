package dev.flowstage.hooks.review;

import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotProblem;
import dev.flowstage.storage.snapshot.SnapshotValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Three-way merge of two snapshot trees at the Node-RED level: flows.json by node id ({@link FlowsMerge}),
 * every other file whole (the side that changed it wins; changed differently on both sides is a conflict).
 */
final class SnapshotMerge {
    /** The merged tree, or what conflicts (then {@code tree} is null). */
    record Result(ObjectId tree, List<String> conflicts) {}

    private static final int BASE = 0;
    private static final int OURS = 1;
    private static final int THEIRS = 2;

    private final FlowsMerge flows = new FlowsMerge();
    private final SnapshotValidator validator = new SnapshotValidator();

    /** {@code base} is null when the two histories share no commit. Inserts the merged blobs and tree. */
    Result merge(ObjectReader reader, ObjectInserter inserter, RevTree base, RevTree ours, RevTree theirs)
            throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        List<String> conflicts = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            if (base == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(base);
            }
            tw.addTree(ours);
            tw.addTree(theirs);
            tw.setRecursive(true);
            while (tw.next()) {
                String path = tw.getPathString();
                int pick = pick(tw);
                if (pick >= 0) {
                    if (tw.getRawMode(pick) != 0) {
                        add(builder, path, tw.getFileMode(pick), tw.getObjectId(pick));
                    }
                } else if (SnapshotFiles.FLOWS.equals(path) && filesOnly(tw)) {
                    FlowsMerge.Result r = flows.merge(bytes(reader, tw, BASE), bytes(reader, tw, OURS),
                            bytes(reader, tw, THEIRS));
                    if (!r.clean()) {
                        conflicts.addAll(r.conflicts());
                        continue;
                    }
                    // Both sides were valid snapshots; this guards the merge itself
                    List<SnapshotProblem> problems = validator.validate(path, r.flows());
                    if (!problems.isEmpty()) {
                        conflicts.add("the merged " + path + " would not be valid: " + problems.get(0).describe());
                    } else {
                        add(builder, path, FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, r.flows()));
                    }
                } else {
                    conflicts.add("file " + path + " " + how(tw));
                }
            }
        }
        if (!conflicts.isEmpty()) {
            return new Result(null, List.copyOf(conflicts));
        }
        try {
            builder.finish();
        } catch (IllegalStateException e) {
            // a file on one side where the other has a folder of the same name
            return new Result(null, List.of("a file and a folder of the same name on the two sides"));
        }
        return new Result(index.writeTree(inserter), List.of());
    }

    /** The side to take as it is, or -1 when both sides changed the entry differently. */
    private static int pick(TreeWalk tw) {
        if (same(tw, OURS, THEIRS) || same(tw, BASE, THEIRS)) {
            return OURS;
        }
        if (same(tw, BASE, OURS)) {
            return THEIRS;
        }
        return -1;
    }

    private static boolean same(TreeWalk tw, int a, int b) {
        return tw.getRawMode(a) == tw.getRawMode(b) && tw.idEqual(a, b);
    }

    private static boolean filesOnly(TreeWalk tw) {
        for (int i = 0; i < 3; i++) {
            int mode = tw.getRawMode(i);
            if (mode != 0 && FileMode.REGULAR_FILE.getBits() != mode && FileMode.EXECUTABLE_FILE.getBits() != mode) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(ObjectReader reader, TreeWalk tw, int side) throws IOException {
        if (tw.getRawMode(side) == 0) {
            return null;
        }
        return reader.open(tw.getObjectId(side), Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE);
    }

    private static String how(TreeWalk tw) {
        if (tw.getRawMode(BASE) == 0) {
            return "added differently on both sides";
        }
        if (tw.getRawMode(OURS) == 0) {
            return "removed on main and changed in the review";
        }
        if (tw.getRawMode(THEIRS) == 0) {
            return "changed on main and removed in the review";
        }
        return "changed on both sides";
    }

    private static void add(DirCacheBuilder builder, String path, FileMode mode, ObjectId id) {
        DirCacheEntry e = new DirCacheEntry(path);
        e.setFileMode(mode);
        e.setObjectId(id);
        builder.add(e);
    }
}
