package dev.flowstage.storage.meta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The tree of one meta commit, read a file at a time rather than all at once, and edited by
 * {@link MetaChange}s: only the written blobs and the trees on their paths are new objects, so the
 * cost of a write does not grow with the number of files.
 */
public final class MetaTree {
    private final ObjectReader reader;
    private final ObjectId commit;
    private final RevTree tree;

    MetaTree(ObjectReader reader, ObjectId commit, RevTree tree) {
        this.reader = reader;
        this.commit = commit;
        this.tree = tree;
    }

    /** The commit read; null when the ref does not exist yet (then every file is absent). */
    public ObjectId commit() {
        return commit;
    }

    /** The blob id of the file at {@code path}, or null when there is none. */
    public ObjectId blobId(String path) {
        if (tree == null) {
            return null;
        }
        try (TreeWalk tw = TreeWalk.forPath(reader, path, tree)) {
            if (tw == null || tw.getFileMode(0).getObjectType() != Constants.OBJ_BLOB) {
                return null;
            }
            return tw.getObjectId(0).copy();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The content of the file at {@code path}, or null when there is none. */
    public byte[] read(String path) {
        ObjectId id = blobId(path);
        return id == null ? null : blob(id);
    }

    /** The content of blob {@code id}. */
    public byte[] blob(ObjectId id) {
        try {
            return reader.open(id, Constants.OBJ_BLOB).getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + id.name(), e);
        }
    }

    /** The files directly in {@code folder} (no sub-folders), name → blob id, in name order. */
    static Map<String, ObjectId> folder(ObjectReader reader, RevTree tree, String folder) throws IOException {
        Map<String, ObjectId> files = new TreeMap<>();
        try (TreeWalk dir = TreeWalk.forPath(reader, folder, tree)) {
            if (dir == null || !dir.isSubtree()) {
                return files;
            }
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(dir.getObjectId(0));
                while (tw.next()) {
                    if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                        files.put(tw.getNameString(), tw.getObjectId(0).copy());
                    }
                }
            }
        }
        return files;
    }

    /** Writes the blobs of {@code change} and returns the id of this tree with {@code change} applied. */
    ObjectId apply(MetaChange change, ObjectInserter ins, Map<String, ObjectId> writtenBlobs) throws IOException {
        DirCache index = DirCache.newInCore();
        if (tree != null) {
            DirCacheBuilder builder = index.builder();
            builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, tree);
            builder.finish();
        }
        DirCacheEditor editor = index.editor();
        for (String path : change.removals()) {
            editor.add(new DirCacheEditor.DeletePath(path));
        }
        for (Map.Entry<String, byte[]> file : change.writes().entrySet()) {
            checkPath(file.getKey());
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, file.getValue());
            writtenBlobs.put(file.getKey(), blob);
            editor.add(new DirCacheEditor.PathEdit(file.getKey()) {
                @Override
                public void apply(DirCacheEntry ent) {
                    ent.setFileMode(FileMode.REGULAR_FILE);
                    ent.setObjectId(blob);
                }
            });
        }
        editor.finish();
        return index.writeTree(ins);
    }

    RevTree tree() {
        return tree;
    }

    private static void checkPath(String path) {
        try {
            new DirCacheEntry(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid metadata file path '" + path + "'", e);
        }
    }
}
