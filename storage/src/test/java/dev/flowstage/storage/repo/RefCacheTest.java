package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values kept until a ref of their repository changes, whoever in this process changes it. */
class RefCacheTest {
    private static final String MAIN = "refs/heads/main";
    private static final String OTHER = "refs/meta/other";

    @TempDir
    Path tmp;
    private final RefCache cache = new RefCache();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void aKeptValueIsUsedUntilARefChanges() throws Exception {
        try (Repository repo = bare("a")) {
            ObjectId one = set(repo, MAIN, blob(repo, "1"));
            assertEquals(one, head(repo, MAIN));
            assertEquals(one, head(repo, MAIN));
            assertEquals(1, reads.get(), "the second read is the kept value");
            ObjectId two = set(repo, MAIN, blob(repo, "2"));
            assertEquals(two, head(repo, MAIN));
            assertEquals(2, reads.get());
            // another ref of the same repository changes: the value is read again (and is still right)
            set(repo, "refs/heads/other", two);
            assertEquals(two, head(repo, MAIN));
            assertEquals(3, reads.get());
        }
    }

    @Test
    void theFirstChangeOfAFreshRepositoryInstanceIsSeen() throws Exception {
        bare("b").close();
        // a fresh instance that read nothing before: JGit fires no event for its first change on its own
        try (Repository repo = new FileRepository(tmp.resolve("b.git").toFile())) {
            assertNull(head(repo, MAIN), "no main yet");
            ObjectId created = set(repo, MAIN, blob(repo, "x"));
            assertEquals(created, head(repo, MAIN));
        }
    }

    @Test
    void aChangeThroughAnotherInstanceOfTheSameRepositoryIsSeen() throws Exception {
        try (Repository repo = bare("c"); Repository other = new FileRepository(tmp.resolve("c.git").toFile())) {
            ObjectId one = set(repo, MAIN, blob(repo, "1"));
            assertEquals(one, head(repo, MAIN));
            // the other instance read nothing before: its update is its first look at the refs
            ObjectId two = set(other, MAIN, blob(other, "2"));
            assertEquals(two, head(repo, MAIN));
        }
    }

    @Test
    void aRefCreatedByAFreshInstanceIsSeenAndValuesAreStillKept() throws Exception {
        try (Repository repo = bare("f")) {
            set(repo, MAIN, blob(repo, "1"));
            assertNull(head(repo, OTHER));
            assertNull(head(repo, OTHER));
            assertEquals(1, reads.get(), "kept: the repository has packed-refs");
            // a second instance (the audit store's own instance of site.git, say) whose first act is
            // creating a ref: JGit tells about it because the instance saw packed-refs in its ref lookup
            try (Repository writer = new FileRepository(tmp.resolve("f.git").toFile())) {
                ObjectId created = set(writer, OTHER, blob(writer, "x"));
                assertEquals(created, head(repo, OTHER));
            }
            try (Repository deleter = new FileRepository(tmp.resolve("f.git").toFile())) {
                delete(deleter, OTHER);
                assertNull(head(repo, OTHER));
            }
        }
    }

    @Test
    void withoutPackedRefsARefCreatedByAFreshInstanceIsSeen() throws Exception {
        try (Repository repo = new FileRepository(tmp.resolve("g.git").toFile())) {
            repo.create(true); // as JGit makes it: no packed-refs file
            assertNull(head(repo, MAIN));
            // JGit fires no event for this one: the writer never notified before and, with no packed-refs
            // file and no loose ref, its look-up under the lock saw nothing
            try (Repository writer = new FileRepository(tmp.resolve("g.git").toFile())) {
                ObjectId created = set(writer, MAIN, blob(writer, "x"));
                assertEquals(created, head(repo, MAIN));
            }
        }
    }

    @Test
    void aRepositoryCreatedAgainUnderTheSameNameStartsEmpty() throws Exception {
        try (Repository repo = bare("d")) {
            set(repo, MAIN, blob(repo, "old"));
            head(repo, MAIN);
        }
        FileUtils.delete(tmp.resolve("d.git").toFile(), FileUtils.RECURSIVE);
        try (Repository again = bare("d")) {
            assertNull(head(again, MAIN));
        }
    }

    @Test
    void keepsAFewValuesPerRepositoryAndComputesTheRest() throws Exception {
        try (Repository repo = bare("e")) {
            set(repo, MAIN, blob(repo, "1"));
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < RefCache.MAX_VALUES_PER_REPO + 4; i++) {
                    int key = i;
                    cache.get(repo, key, () -> {
                        reads.incrementAndGet();
                        return repo.exactRef(MAIN).getObjectId();
                    });
                }
            }
            // the first round computes all of them, the second only those beyond the limit
            assertEquals(RefCache.MAX_VALUES_PER_REPO + 4 + 4, reads.get());
        }
    }

    private ObjectId head(Repository repo, String ref) throws IOException {
        return cache.get(repo, ref, () -> {
            reads.incrementAndGet();
            Ref r = repo.exactRef(ref);
            return r == null ? null : r.getObjectId();
        });
    }

    private Repository bare(String name) throws IOException {
        Repository repo = new FileRepository(tmp.resolve(name + ".git").toFile());
        if (!repo.getDirectory().exists()) {
            repo.create(true);
            PackedRefs.ensure(repo.getDirectory().toPath()); // as the server's repositories have
        }
        return repo;
    }

    private static ObjectId blob(Repository repo, String content) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(Constants.OBJ_BLOB, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ins.flush();
            return id;
        }
    }

    private static void delete(Repository repo, String ref) throws IOException {
        RefUpdate ru = repo.updateRef(ref);
        ru.setForceUpdate(true);
        RefUpdate.Result r = ru.delete();
        if (r != RefUpdate.Result.FORCED) {
            throw new IOException(ref + ": " + r);
        }
    }

    private static ObjectId set(Repository repo, String ref, ObjectId id) throws IOException {
        RefUpdate ru = repo.updateRef(ref);
        ru.setNewObjectId(id);
        ru.setForceUpdate(true);
        RefUpdate.Result r = ru.update();
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED) {
            throw new IOException(ref + ": " + r);
        }
        return id;
    }
}
