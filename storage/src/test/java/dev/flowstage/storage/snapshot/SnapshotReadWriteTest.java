package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotReadWriteTest {
    private static final PersonIdent WHO = new PersonIdent("Flow Dev", "dev@example.test");

    @TempDir
    Path dir;
    private Repository repo;

    @BeforeEach
    void createRepo() throws IOException {
        repo = FileRepositoryBuilder.create(dir.resolve("t.git").toFile());
        repo.create(true);
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    private static Snapshot full() {
        return Snapshot.EMPTY
                .with(SnapshotFiles.FLOWS, "[{\"id\":\"a\",\"type\":\"tab\"}]")
                .with(SnapshotFiles.CREDENTIALS, "{\"$\":\"00\"}")
                .with(SnapshotFiles.PACKAGE, "{\"name\":\"p\"}")
                .with(SnapshotFiles.SETTINGS, "{}")
                .with(SnapshotFiles.ENV, "{\"A\":\"1\"}")
                .with(SnapshotFiles.README, "# hi\n");
    }

    @Test
    void commitThenReadGivesTheSameFiles() throws IOException {
        Snapshot s = full();
        ObjectId commit = SnapshotWriter.commit(repo, s, List.of(), WHO, WHO, "first");
        Snapshot back = SnapshotReader.read(repo, commit);
        assertEquals(s, back);
        assertEquals(SnapshotFiles.ALL.size(), back.names().size());
        assertEquals("# hi\n", back.text(SnapshotFiles.README).orElseThrow());
    }

    @Test
    void absentFilesStayAbsent() throws IOException {
        Snapshot s = Snapshot.EMPTY.with(SnapshotFiles.FLOWS, "[]");
        Snapshot back = SnapshotReader.read(repo, SnapshotWriter.commit(repo, s, List.of(), WHO, WHO, "m"));
        assertEquals(java.util.Set.of(SnapshotFiles.FLOWS), back.names());
        assertFalse(back.has(SnapshotFiles.ENV));
        assertTrue(back.bytes(SnapshotFiles.ENV).isEmpty());
    }

    @Test
    void commitHasParentsMessageAndIdentities() throws IOException {
        ObjectId first = SnapshotWriter.commit(repo, full(), List.of(), WHO, WHO, "first");
        PersonIdent bot = new PersonIdent("flowstage", "flowstage@localhost");
        ObjectId second = SnapshotWriter.commit(repo, full().without(SnapshotFiles.README), List.of(first), WHO, bot,
                "Promote dev@abc to qa\n\nFlowstage-Stage: qa\n");
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(second);
            assertEquals(1, c.getParentCount());
            assertEquals(first, c.getParent(0));
            assertEquals("Flow Dev", c.getAuthorIdent().getName());
            assertEquals("flowstage", c.getCommitterIdent().getName());
            assertEquals("Promote dev@abc to qa", c.getShortMessage());
        }
        assertFalse(SnapshotReader.read(repo, second).has(SnapshotFiles.README));
    }

    @Test
    void sameSnapshotGivesTheSameTree() throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId a = SnapshotWriter.insertTree(ins, full());
            ObjectId b = SnapshotWriter.insertTree(ins, full());
            ObjectId c = SnapshotWriter.insertTree(ins, full().with(SnapshotFiles.ENV, "{}"));
            ins.flush();
            assertEquals(a, b);
            assertNotEquals(a, c);
            assertEquals(full(), SnapshotReader.read(repo, a));
        }
    }

    @Test
    void readsThroughAnAnnotatedTag() throws IOException {
        ObjectId commit = SnapshotWriter.commit(repo, full(), List.of(), WHO, WHO, "first");
        ObjectId tag;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TagBuilder tb = new TagBuilder();
            tb.setObjectId(commit, Constants.OBJ_COMMIT);
            tb.setTag("v1");
            tb.setTagger(WHO);
            tb.setMessage("v1\n");
            tag = ins.insert(tb);
            ins.flush();
        }
        assertEquals(full(), SnapshotReader.read(repo, tag));
    }

    @Test
    void otherFilesAndFoldersAreIgnored() throws IOException {
        ObjectId commit = commitTree(Map.of("flows.json", "[]", "notes.txt", "x"), "lib");
        Snapshot s = SnapshotReader.read(repo, commit);
        assertEquals(java.util.Set.of(SnapshotFiles.FLOWS), s.names());
    }

    @Test
    void aFolderNamedLikeASnapshotFileIsRefused() throws IOException {
        ObjectId commit = commitTree(Map.of("package.json", "{}"), "flows.json");
        InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.read(repo, commit));
        assertEquals("flows.json: must be a regular file, not a folder", e.getMessage());
        assertEquals(1, e.problems().size());
    }

    @Test
    void aBlobIsNeitherCommitNorTree() throws IOException {
        ObjectId blob;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            blob = ins.insert(Constants.OBJ_BLOB, new byte[] {1});
            ins.flush();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotReader.read(repo, blob));
        assertTrue(e.getMessage().contains("neither a commit nor a tree"), e.getMessage());
    }

    @Test
    void snapshotRefusesUnknownNamesAndIsImmutable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Snapshot.EMPTY.with("lib/x.js", "x"));
        assertEquals("not a snapshot file: lib/x.js", e.getMessage());

        byte[] content = "[]".getBytes(StandardCharsets.UTF_8);
        Snapshot s = Snapshot.EMPTY.with(SnapshotFiles.FLOWS, content);
        content[0] = 'X';
        s.bytes(SnapshotFiles.FLOWS).orElseThrow()[1] = 'Y';
        s.files().get(SnapshotFiles.FLOWS)[1] = 'Z';
        assertArrayEquals("[]".getBytes(StandardCharsets.UTF_8), s.bytes(SnapshotFiles.FLOWS).orElseThrow());
        assertEquals("Snapshot[flows.json=2B]", s.toString());
    }

    /** A commit whose tree has the given files plus an empty-ish folder {@code folder} holding one file. */
    private ObjectId commitTree(Map<String, String> files, String folder) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter sub = new TreeFormatter();
            sub.append("inner.js", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, new byte[] {'x'}));
            ObjectId subId = ins.insert(sub);
            java.util.TreeMap<String, ObjectId> entries = new java.util.TreeMap<>();
            for (Map.Entry<String, String> e : files.entrySet()) {
                entries.put(e.getKey(), ins.insert(Constants.OBJ_BLOB, e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            TreeFormatter root = new TreeFormatter();
            // Git orders a folder as if its name ended in '/'.
            java.util.TreeMap<String, Object[]> ordered = new java.util.TreeMap<>();
            entries.forEach((k, v) -> ordered.put(k, new Object[] {FileMode.REGULAR_FILE, v}));
            ordered.put(folder + "/", new Object[] {FileMode.TREE, subId});
            ordered.forEach((k, v) -> root.append(k.endsWith("/") ? k.substring(0, k.length() - 1) : k,
                    (FileMode) v[0], (ObjectId) v[1]));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(root));
            cb.setAuthor(WHO);
            cb.setCommitter(WHO);
            cb.setMessage("m");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
