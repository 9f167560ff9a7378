package dev.flowstage.storage.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/** The snapshot files at the root of a tree, as entries (name, mode, object id), without reading their content. */
public final class SnapshotEntries {
    /** One root entry whose name is a snapshot file; it may be something other than a file. */
    public record Entry(String name, FileMode mode, ObjectId id) {
        public boolean isFile() {
            return mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE;
        }

        /** What the entry is, for messages about an entry that is not a file: "a folder", "a symbolic link", … */
        public String kind() {
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

    private SnapshotEntries() {}

    /** In tree order; entries that are not snapshot files are skipped. */
    public static List<Entry> of(ObjectReader reader, RevTree tree) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            tw.setRecursive(false);
            while (tw.next()) {
                String name = tw.getPathString();
                if (SnapshotFiles.isSnapshotFile(name)) {
                    entries.add(new Entry(name, tw.getFileMode(0), tw.getObjectId(0)));
                }
            }
        }
        return entries;
    }
}
