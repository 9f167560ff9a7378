package dev.flowstage.storage.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ref set in packed-refs: read back by JGit and C git, other lines kept, no new file, caches told. */
class PackedRefUpdateTest {
    private static final String MAIN = "refs/heads/main";

    @TempDir
    Path tmp;
    private GcQueue gc;
    private LocalRepoStore store;
    private final RepoName name = new RepoName("acme", "pi-1");

    @BeforeEach
    void setUp() throws IOException {
        gc = new GcQueue(1000, Duration.ofHours(1));
        store = new LocalRepoStore(tmp.resolve("repos"), gc);
        store.create(name).close();
    }

    @AfterEach
    void tearDown() {
        gc.close();
    }

    @Test
    void aNewRefGoesIntoPackedRefsAndNoFileIsCreated() throws Exception {
        Path dir = store.path(name);
        try (Repository repo = store.open(name)) {
            ObjectId c1 = TestCommits.commit(repo, "refs/heads/scratch", "flows.json", "[1]");
            List<Path> before = files(dir);

            assertTrue(PackedRefUpdate.set(repo, MAIN, c1));

            assertEquals(before, files(dir), "the same files, packed-refs replaced");
            assertFalse(Files.exists(dir.resolve(MAIN)), "no loose ref");
            assertThat(Files.readString(dir.resolve("packed-refs"))).isEqualTo(
                    "# pack-refs with: peeled fully-peeled sorted \n" + c1.name() + " " + MAIN + "\n");
            assertEquals(c1, repo.exactRef(MAIN).getObjectId());
            assertEquals(c1.name(), git(dir, "rev-parse", "main").strip());
            git(dir, "fsck", "--strict", "--no-dangling");

            ObjectId c2 = TestCommits.commit(repo, "refs/heads/scratch", "flows.json", "[2]");
            assertTrue(PackedRefUpdate.set(repo, MAIN, c2));
            assertEquals(c2, repo.exactRef(MAIN).getObjectId());
            assertEquals(c2.name(), git(dir, "rev-parse", "main").strip());
        }
        // a restarted server reads the same
        try (GcQueue queue = new GcQueue(1, Duration.ofHours(1));
                Repository fresh = new LocalRepoStore(tmp.resolve("repos"), queue).open(name)) {
            assertEquals(git(dir, "rev-parse", "main").strip(), fresh.exactRef(MAIN).getObjectId().name());
        }
    }

    @Test
    void otherRefsAndPeeledLinesAreKeptAndRefsStaySorted() throws Exception {
        Path dir = store.path(name);
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        String c = "c".repeat(40);
        Files.writeString(dir.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted \n"
                + a + " refs/heads/device\n" + b + " refs/tags/v1\n^" + c + "\n");
        try (Repository repo = store.open(name)) {
            ObjectId d = ObjectId.fromString("d".repeat(40));
            assertTrue(PackedRefUpdate.set(repo, MAIN, d));
            assertThat(Files.readString(dir.resolve("packed-refs"))).isEqualTo("# pack-refs with: peeled fully-peeled sorted \n"
                    + a + " refs/heads/device\n" + d.name() + " " + MAIN + "\n" + b + " refs/tags/v1\n^" + c + "\n");
            Ref tag = repo.getRefDatabase().exactRef("refs/tags/v1");
            assertEquals(c, tag.getPeeledObjectId().name(), "the peeled line still belongs to its tag");
        }
    }

    @Test
    void aLooseRefOrALockedFileLeavesEverythingAsItWas() throws Exception {
        Path dir = store.path(name);
        try (Repository repo = store.open(name)) {
            ObjectId c1 = TestCommits.commit(repo, MAIN, "flows.json", "[1]");
            ObjectId c2 = TestCommits.commit(repo, "refs/heads/scratch", "flows.json", "[2]");
            String packed = Files.readString(dir.resolve("packed-refs"));

            assertFalse(PackedRefUpdate.set(repo, MAIN, c2), "a loose main hides a packed one: not written");
            assertEquals(packed, Files.readString(dir.resolve("packed-refs")));
            assertEquals(c1, repo.exactRef(MAIN).getObjectId());

            Files.writeString(dir.resolve("packed-refs.lock"), "someone else");
            assertFalse(PackedRefUpdate.set(repo, "refs/heads/other", c2), "packed-refs is being written by someone else");
            assertNull(repo.exactRef("refs/heads/other"));
            assertEquals("someone else", Files.readString(dir.resolve("packed-refs.lock")), "their lock is left alone");
        }
    }

    @Test
    void aValueKeptFromTheRefsIsDroppedBeforeSetReturns() throws Exception {
        RefCache cache = new RefCache();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        try (Repository repo = store.open(name)) {
            ObjectId c1 = TestCommits.commit(repo, "refs/heads/scratch", "flows.json", "[1]");
            ObjectId c2 = TestCommits.commit(repo, "refs/heads/scratch", "flows.json", "[2]");
            RefCache.Compute<ObjectId> main = () -> {
                reads.incrementAndGet();
                Ref r = repo.exactRef(MAIN);
                return r == null ? null : r.getObjectId();
            };
            keep(cache, repo, main, reads);
            assertNull(cache.get(repo, "main", main));

            assertTrue(PackedRefUpdate.set(repo, MAIN, c1));
            assertEquals(c1, cache.get(repo, "main", main), "created");
            keep(cache, repo, main, reads);

            assertTrue(PackedRefUpdate.set(repo, MAIN, c2));
            assertEquals(c2, cache.get(repo, "main", main), "moved");
        }
    }

    /** Reads until the cache keeps the value (a read right after a change may not be kept), then checks it is. */
    private static void keep(RefCache cache, Repository repo, RefCache.Compute<ObjectId> main,
            java.util.concurrent.atomic.AtomicInteger reads) throws IOException {
        cache.get(repo, "main", main);
        cache.get(repo, "main", main);
        int before = reads.get();
        cache.get(repo, "main", main);
        assertEquals(before, reads.get(), "kept");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.startsWith(dir.resolve("objects"))).map(dir::relativize).sorted().toList();
        }
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
