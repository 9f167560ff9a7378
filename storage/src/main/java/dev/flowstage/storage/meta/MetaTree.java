package dev.flowstage.storage.meta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The tree of one meta commit, read a file at a time rather than all at once, and edited by
 * {@link MetaChange}s: only the written blobs and the trees on their paths are read and rewritten, so
 * the cost of a write grows with the size of those trees, not with the number of files in the ref.
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

    /** The files under {@code folder}, at any depth: path relative to the folder → blob id, in path order. */
    static Map<String, ObjectId> files(ObjectReader reader, RevTree tree, String folder) throws IOException {
        Map<String, ObjectId> files = new TreeMap<>();
        try (TreeWalk dir = TreeWalk.forPath(reader, folder, tree)) {
            if (dir == null || !dir.isSubtree()) {
                return files;
            }
            try (TreeWalk tw = new TreeWalk(reader)) {
                tw.addTree(dir.getObjectId(0));
                tw.setRecursive(true);
                while (tw.next()) {
                    if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                        files.put(tw.getPathString(), tw.getObjectId(0).copy());
                    }
                }
            }
        }
        return files;
    }

    /**
     * Writes the blobs of {@code change} and returns the id of this tree with {@code change} applied. Only
     * the trees on the changed paths are read and rewritten; every other subtree keeps its id untouched.
     */
    ObjectId apply(MetaChange change, ObjectInserter ins, Map<String, ObjectId> writtenBlobs) throws IOException {
        Edits root = new Edits();
        for (String path : change.removals()) {
            checkPath(path);
            root.put(path, null);
        }
        for (Map.Entry<String, byte[]> file : change.writes().entrySet()) {
            checkPath(file.getKey());
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, file.getValue());
            writtenBlobs.put(file.getKey(), blob);
            root.put(file.getKey(), blob);
        }
        ObjectId id = write(tree, root, ins);
        return id != null ? id : ins.insert(new TreeFormatter());
    }

    /** Edits below one tree: name → blob id (write), null (remove) or the edits of a subtree. */
    private static final class Edits {
        final Map<String, Object> byName = new TreeMap<>();

        void put(String path, ObjectId blobOrNull) {
            int slash = path.indexOf('/');
            if (slash < 0) {
                byName.put(path, blobOrNull == null ? REMOVE : blobOrNull);
                return;
            }
            Object sub = byName.get(path.substring(0, slash));
            if (!(sub instanceof Edits)) {
                sub = new Edits();
                byName.put(path.substring(0, slash), sub);
            }
            ((Edits) sub).put(path.substring(slash + 1), blobOrNull);
        }
    }

    private static final Object REMOVE = new Object();

    private record Entry(String name, FileMode mode, ObjectId id) {
        /** Git's tree order: names as bytes, a tree's name as if followed by '/'. */
        byte[] sortKey() {
            return Constants.encode(mode == FileMode.TREE ? name + "/" : name);
        }
    }

    /** Writes {@code treeOrNull} with {@code edits} applied; null when the result is empty. */
    private ObjectId write(ObjectId treeOrNull, Edits edits, ObjectInserter ins) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        if (treeOrNull != null) {
            CanonicalTreeParser p = new CanonicalTreeParser(null, reader, treeOrNull);
            for (; !p.eof(); p.next()) {
                entries.put(p.getEntryPathString(), new Entry(p.getEntryPathString(), p.getEntryFileMode(),
                        p.getEntryObjectId()));
            }
        }
        for (Map.Entry<String, Object> edit : edits.byName.entrySet()) {
            String name = edit.getKey();
            Object what = edit.getValue();
            if (what == REMOVE) {
                entries.remove(name);
            } else if (what instanceof ObjectId blob) {
                entries.put(name, new Entry(name, FileMode.REGULAR_FILE, blob));
            } else {
                Entry old = entries.get(name);
                ObjectId sub = write(old != null && old.mode() == FileMode.TREE ? old.id() : null, (Edits) what, ins);
                if (sub == null) {
                    // a folder left empty disappears, as in Git; removing under a file leaves the file
                    if (old != null && old.mode() == FileMode.TREE) {
                        entries.remove(name);
                    }
                } else {
                    entries.put(name, new Entry(name, FileMode.TREE, sub));
                }
            }
        }
        if (entries.isEmpty()) {
            return null;
        }
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.sortKey(), b.sortKey()));
        TreeFormatter fmt = new TreeFormatter();
        for (Entry e : sorted) {
            fmt.append(e.name(), e.mode(), e.id());
        }
        return ins.insert(fmt);
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
