package dev.flowstage.storage.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaRefEditTest {
    private static final String REF = "refs/meta/test";
    private static final PersonIdent ALICE = new PersonIdent("alice", "alice@flowstage");

    @TempDir
    Path dir;
    private Repository repo;
    private MetaRef ref;

    @BeforeEach
    void init() throws Exception {
        repo = new FileRepositoryBuilder().setGitDir(dir.resolve("meta.git").toFile()).setBare().build();
        repo.create(true);
        ref = new MetaRef(repo, REF);
    }

    @AfterEach
    void close() {
        repo.close();
    }

    @Test
    void editWritesAndRemovesSingleFilesKeepingTheRest() throws Exception {
        MetaRef.Edited first = ref.edit("create", ALICE, t -> {
            assertNull(t.commit());
            assertNull(t.read("a"));
            return MetaChange.write("a", bytes("1")).andWrite("d/b.json", bytes("2")).andWrite("d/c.json", bytes("3"));
        });
        assertNull(first.parent());
        assertTrue(first.changed());
        MetaRef.Edited second = ref.edit("edit", ALICE, t -> {
            assertEquals(first.commit(), t.commit());
            assertArrayEquals(bytes("2"), t.read("d/b.json"));
            assertEquals(first.blobs().get("d/c.json"), t.blobId("d/c.json"));
            assertNull(t.blobId("d"), "a folder is not a file");
            return MetaChange.write("d/b.json", bytes("22")).andRemove("a");
        });
        assertEquals(first.commit(), second.parent());
        assertEquals(Map.of("d/b.json", bytes("22")).keySet(), second.blobs().keySet());
        MetaRef.Snapshot now = ref.read();
        assertEquals(List.of("d/b.json", "d/c.json"), List.copyOf(now.files().keySet()));
        assertArrayEquals(bytes("22"), now.files().get("d/b.json"));
        assertEquals(Map.of("b.json", second.blobs().get("d/b.json"), "c.json", first.blobs().get("d/c.json")),
                ref.files(second.commit(), "d"));
        try (RevWalk rw = new RevWalk(repo)) {
            RevCommit c = rw.parseCommit(second.commit());
            assertEquals(first.commit(), c.getParent(0));
            assertEquals("edit\n", c.getFullMessage());
        }
    }

    @Test
    void editedTreesAreByteForByteTheTreesAFullRewriteWrites() throws Exception {
        // names chosen so that Git's tree order ("a" as a folder sorts as "a/") differs from plain order
        Map<String, byte[]> files = Map.of("a/x", bytes("1"), "a.b", bytes("2"), "a-c", bytes("3"), "ab", bytes("4"),
                "a/y/z.json", bytes("5"), "b", bytes("6"));
        MetaRef full = new MetaRef(repo, "refs/meta/full");
        ObjectId fullCommit = full.update("all", ALICE, s -> files).commit();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ref.edit("one", ALICE, t -> MetaChange.write(f.getKey(), f.getValue()));
        }
        ref.edit("extra", ALICE, t -> MetaChange.write("c/d/e", bytes("7")));
        ref.edit("drop", ALICE, t -> MetaChange.NONE.andRemove("c/d/e").andRemove("no/such/file"));
        try (RevWalk rw = new RevWalk(repo)) {
            assertEquals(rw.parseCommit(fullCommit).getTree(), rw.parseCommit(ref.head()).getTree());
        }
    }

    @Test
    void removingEveryFileLeavesAnEmptyTree() throws Exception {
        ref.edit("create", ALICE, t -> MetaChange.write("d/a", bytes("1")));
        ref.edit("remove", ALICE, t -> MetaChange.NONE.andRemove("d/a"));
        assertEquals(Map.of(), ref.read().files());
        assertEquals(Map.of(), ref.files(ref.head(), "d"));
    }

    @Test
    void aChangeThatLeavesTheTreeAsItWasCommitsNothing() throws Exception {
        ObjectId id = ref.edit("create", ALICE, t -> MetaChange.write("a", bytes("1"))).commit();
        MetaRef.Edited same = ref.edit("same", ALICE, t -> MetaChange.write("a", bytes("1")));
        assertFalse(same.changed());
        MetaRef.Edited none = ref.edit("none", ALICE, t -> MetaChange.NONE);
        assertFalse(none.changed());
        assertEquals(id, ref.head());
    }

    @Test
    void aMovedRefMakesTheEditReadAgain() throws Exception {
        ref.edit("create", ALICE, t -> MetaChange.write("a", bytes("1")));
        AtomicInteger calls = new AtomicInteger();
        ref.edit("add b", ALICE, t -> {
            if (calls.getAndIncrement() == 0) {
                outsideWrite("c");
            }
            return MetaChange.write("b", bytes("2"));
        });
        assertEquals(2, calls.get());
        assertEquals(List.of("a", "b", "c"), List.copyOf(ref.read().files().keySet()));
    }

    @Test
    void editAndUpdateShareTheirRetryLimit() throws Exception {
        ref.edit("create", ALICE, t -> MetaChange.write("a", bytes("1")));
        AtomicInteger calls = new AtomicInteger();
        assertThrows(MetaConflictException.class, () -> ref.edit("x", ALICE, t -> {
            outsideWrite("n" + calls.incrementAndGet());
            return MetaChange.write("mine", bytes("1"));
        }));
        assertEquals(MetaRef.MAX_ATTEMPTS, calls.get());
        assertNull(ref.read().files().get("mine"));
    }

    @Test
    void invalidPathsAndContradictoryChangesAreRefused() throws Exception {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ref.edit("x", ALICE, t -> MetaChange.write("../evil", bytes("1"))));
        assertEquals("invalid metadata file path '../evil'", bad.getMessage());
        assertNull(ref.head());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> MetaChange.write("a", bytes("1")).andRemove("a"));
        assertEquals("'a' is both written and removed", both.getMessage());
    }

    private void outsideWrite(String file) {
        // a second handle stands in for another process; the in-process lock is reentrant
        try (Repository other = new FileRepositoryBuilder().setGitDir(repo.getDirectory()).setBare().build()) {
            new MetaRef(other, REF).edit("outside", ALICE, t -> MetaChange.write(file, bytes("x")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
