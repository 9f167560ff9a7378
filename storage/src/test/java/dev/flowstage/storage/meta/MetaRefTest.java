package dev.flowstage.storage.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

class MetaRefTest {
    private static final String REF = "refs/meta/test";
    private static final PersonIdent ALICE = new PersonIdent("alice", "alice@flowstage");

    @TempDir
    Path dir;
    private Repository repo;

    @BeforeEach
    void init() throws Exception {
        repo = new FileRepositoryBuilder().setGitDir(dir.resolve("meta.git").toFile()).setBare().build();
        repo.create(true);
    }

    @AfterEach
    void close() {
        repo.close();
    }

    @Test
    void missingRefReadsAsEmpty() throws Exception {
        MetaRef.Snapshot s = new MetaRef(repo, REF).read();
        assertTrue(s.isEmpty());
        assertNull(s.commit());
        assertTrue(s.files().isEmpty());
    }

    @Test
    void updateCommitsTheWholeTreeOnTopOfTheOldCommit() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        MetaRef.Snapshot first = ref.update("create", ALICE, s -> Map.of("a.json", bytes("1"), "d/e/f.json", bytes("2")));
        MetaRef.Snapshot second = ref.update("edit", ALICE, s -> {
            Map<String, byte[]> m = new HashMap<>(s.files());
            m.remove("a.json");
            m.put("b.json", bytes("3"));
            return m;
        });
        assertEquals(second.commit(), ref.head());
        MetaRef.Snapshot read = new MetaRef(repo, REF).read();
        assertEquals(List.of("b.json", "d/e/f.json"), new ArrayList<>(read.files().keySet()));
        assertEquals("2", new String(read.files().get("d/e/f.json"), UTF_8));
        try (RevWalk rw = new RevWalk(repo)) {
            RevCommit c = rw.parseCommit(second.commit());
            assertEquals(first.commit(), c.getParent(0));
            assertEquals("edit\n", c.getFullMessage());
            assertEquals("alice", c.getAuthorIdent().getName());
            assertEquals(0, rw.parseCommit(first.commit()).getParentCount());
        }
    }

    @Test
    void unchangedFilesMakeNoCommit() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        ObjectId id = ref.update("create", ALICE, s -> Map.of("a", bytes("1"))).commit();
        MetaRef.Snapshot same = ref.update("noop", ALICE, s -> Map.of("a", bytes("1")));
        assertEquals(id, same.commit());
        assertEquals(id, ref.head());
    }

    @Test
    void exceptionFromEditPropagatesUnchangedAndWritesNothing() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        ObjectId id = ref.update("create", ALICE, s -> Map.of("a", bytes("1"))).commit();
        MetaConflictException refusal = new MetaConflictException("user 'bob' already exists");
        MetaConflictException thrown = assertThrows(MetaConflictException.class,
                () -> ref.update("x", ALICE, s -> {
                    throw refusal;
                }));
        assertSame(refusal, thrown);
        assertEquals(id, ref.head());
    }

    @Test
    void concurrentChangeFromOutsideIsReappliedNotLost() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        ref.update("create", ALICE, s -> Map.of("a", bytes("1")));
        AtomicInteger calls = new AtomicInteger();
        MetaRef.Snapshot result = ref.update("add b", ALICE, s -> {
            if (calls.getAndIncrement() == 0) {
                // another writer (a push, another process) moves the ref between our read and our commit
                moveRefBehindTheLock(s, "c", "outside");
            }
            Map<String, byte[]> m = new HashMap<>(s.files());
            m.put("b", bytes("2"));
            return m;
        });
        assertEquals(2, calls.get());
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(result.files().keySet()));
    }

    @Test
    void givesUpWithAConflictWhenTheRefNeverHoldsStill() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        ref.update("create", ALICE, s -> Map.of("a", bytes("1")));
        AtomicInteger calls = new AtomicInteger();
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> ref.update("x", ALICE, s -> {
            moveRefBehindTheLock(s, "n" + calls.incrementAndGet(), "x");
            return Map.of("mine", bytes("1"));
        }));
        assertEquals("refs/meta/test kept changing while it was being updated; try again", e.getMessage());
        assertEquals(MetaRef.MAX_ATTEMPTS, calls.get());
    }

    @Test
    void parallelWritersInOneProcessLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        String file = "t" + thread + "/" + i;
                        new MetaRef(repo, REF).update(file, ALICE, s -> {
                            Map<String, byte[]> m = new HashMap<>(s.files());
                            m.put(file, bytes("x"));
                            return m;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(40, new MetaRef(repo, REF).read().files().size());
    }

    @Test
    void invalidPathIsRefused() throws Exception {
        MetaRef ref = new MetaRef(repo, REF);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ref.update("x", ALICE, s -> Map.of("../evil", bytes("1"))));
        assertEquals("invalid metadata file path '../evil'", e.getMessage());
        assertNull(ref.head());
    }

    private void moveRefBehindTheLock(MetaRef.Snapshot seen, String file, String content) {
        // a second Repository handle on the same directory, as another process would have
        try (Repository other = new FileRepositoryBuilder().setGitDir(repo.getDirectory()).setBare().build()) {
            MetaRef.Snapshot now = new MetaRef(other, REF).read();
            assertNotEquals(null, seen.commit());
            Map<String, byte[]> m = new HashMap<>(now.files());
            m.put(file, bytes(content));
            // the in-process lock is reentrant, so this nested write stands in for a foreign one
            new MetaRef(other, REF).update("outside", ALICE, s -> m);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
