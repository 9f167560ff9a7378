package dev.flowstage.storage.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedObjectsTest {
    private static final PersonIdent WHO = new PersonIdent("flowstage", "flowstage@flowstage");

    @TempDir
    Path data;

    private GcQueue gc;
    private LocalRepoStore repos;
    private SharedObjects shared;
    private DeviceMains mains;
    private final RepoName group = new RepoName("acme", "pis");

    @BeforeEach
    void setUp() throws IOException {
        gc = new GcQueue(1000, Duration.ofHours(1));
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        shared = new SharedObjects(repos);
        mains = new DeviceMains(repos, shared);
        repos.create(group).close();
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            repos.create(new RepoName("acme", d)).close();
        }
    }

    @AfterEach
    void tearDown() {
        gc.close();
    }

    @Test
    void aGroupDeployMovesEveryDeviceToTheSameCommitWithoutWritingAnObject() throws Exception {
        ObjectId c1 = commit(group, "[{\"id\":\"a\",\"type\":\"tab\"}]");
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            assertTrue(shared.lend(new RepoName("acme", d), List.of(group)));
        }
        DeviceMains.Moved moved = mains.move("acme", group, all(c1));

        assertEquals(Set.of("pi-1", "pi-2", "pi-3"), moved.previous().keySet());
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            RepoName device = new RepoName("acme", d);
            assertEquals(c1, main(device));
            assertEquals("[{\"id\":\"a\",\"type\":\"tab\"}]", file(device, c1, "flows.json"));
            assertEquals(0, objectFiles(device), "no object stored in " + d + "'s own directory");
            // the stock git reads it through the relative alternates entry as well
            assertEquals("[{\"id\":\"a\",\"type\":\"tab\"}]", git(repos.path(device), "cat-file", "-p", "main:flows.json"));
        }
        DeviceMains.Moved again = mains.move("acme", group, all(c1));
        assertEquals(List.of("pi-1", "pi-2", "pi-3"), again.unchanged());
        assertTrue(again.previous().isEmpty());
    }

    @Test
    void aWaveCanBePutBackToThePreviousCommitsInOneCall() throws Exception {
        ObjectId c1 = commit(group, "[1]");
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            shared.lend(new RepoName("acme", d), List.of(group));
        }
        mains.move("acme", group, all(c1));
        ObjectId c2 = commit(group, "[2]");
        DeviceMains.Moved wave = mains.move("acme", group, Map.of("pi-1", c2, "pi-2", c2));
        assertEquals(Map.of("pi-1", c1, "pi-2", c1), wave.previous());
        assertEquals(c1, main(new RepoName("acme", "pi-3")));

        mains.move("acme", group, wave.previous());
        assertEquals(c1, main(new RepoName("acme", "pi-1")));
        assertEquals(c1, main(new RepoName("acme", "pi-2")));
    }

    @Test
    void aDeviceThatLeavesKeepsEveryObjectItsRefsNeedAndNoLongerFollowsTheGroup() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        commit(group, "[1]");
        ObjectId c2 = commit(group, "[2]");
        shared.lend(pi1, List.of(group));
        mains.move("acme", group, Map.of("pi-1", c2));
        assertEquals(0, objectFiles(pi1));

        assertTrue(shared.lend(pi1, List.of()));
        assertFalse(Files.exists(Alternates.file(repos.path(pi1))), "alternates entry removed");
        assertTrue(objectFiles(pi1) > 0, "objects copied in");
        ObjectId c3 = commit(group, "[3]");
        DeviceMains.Moved moved = mains.move("acme", group, Map.of("pi-1", c3));
        assertEquals(List.of("pi-1"), moved.skipped(), "a device that left is not moved");

        // the group's repository gone altogether: the device's history is complete on its own
        repos.delete(group);
        assertEquals(c2, main(pi1));
        assertEquals("[2]", file(pi1, c2, "flows.json"));
        git(repos.path(pi1), "fsck", "--no-dangling", "--strict");
    }

    @Test
    void gcOfTheGroupKeepsEveryCommitItsDevicesPointAt() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        ObjectId c1 = commit(group, "[1]");
        shared.lend(pi1, List.of(group));
        mains.move("acme", group, Map.of("pi-1", c1));
        commit(group, "[2]"); // the group moves on; pi-1 stays on the older commit (a wave put back)

        try (Repository g = repos.open(group)) {
            GC collect = new GC((FileRepository) g);
            collect.setExpire(Instant.now().plusSeconds(60)); // prune every unreachable loose object
            collect.setPackExpire(Instant.now().plusSeconds(60));
            collect.gc().get();
        }
        try (Repository g = repos.open(group); Stream<Path> loose = looseFiles(repos.path(group))) {
            assertEquals(0, loose.count(), "the group was repacked and pruned");
        }
        assertEquals("[1]", file(pi1, c1, "flows.json"));
        git(repos.path(pi1), "fsck", "--no-dangling");
    }

    @Test
    void gcOfADeviceThatBorrowsPacksOnlyItsOwnObjectsAndLeavesItReadable() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        ObjectId c1 = commit(group, "[1]");
        shared.lend(pi1, List.of(group));
        mains.move("acme", group, Map.of("pi-1", c1));
        ObjectId own = commit(pi1, "refs/heads/device", "[\"from the device\"]");
        commit(pi1, "refs/heads/device", "[\"again\"]");
        try (GcQueue queue = new GcQueue(1, Duration.ofHours(1))) {
            queue.start();
            LocalRepoStore store = new LocalRepoStore(data.resolve("repos"), queue);
            store.pushed(pi1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> queue.completed() == 1);
            assertEquals(0, queue.failed());
        }
        Path objects = repos.path(pi1).resolve("objects");
        try (Stream<Path> loose = looseFiles(repos.path(pi1)); Stream<Path> packs = Files.list(objects.resolve("pack"))) {
            assertEquals(0, loose.count(), "loose objects went into the pack");
            List<Path> packFiles = packs.filter(p -> p.toString().endsWith(".pack")).toList();
            assertEquals(1, packFiles.size());
            String listed = git(repos.path(pi1), "verify-pack", "-v",
                    packFiles.get(0).toString().replace(".pack", ".idx"));
            long packed = listed.lines().filter(l -> l.matches("^[0-9a-f]{40} .*")).count();
            assertEquals(6, packed, "two commits, two trees and two blobs of the device's own: " + listed);
            assertFalse(listed.contains(c1.name()), "the group's commit stays borrowed, not copied");
        }
        assertEquals("[1]", file(pi1, c1, "flows.json"));
        assertEquals("[\"from the device\"]", file(pi1, own, "flows.json"));
        git(repos.path(pi1), "fsck", "--no-dangling");
    }

    @Test
    void lendingIsIdempotentAndAJoinSeesTheLenderThroughTheCachedHandle() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        ObjectId c1 = commit(group, "[1]");
        try (Repository d = repos.open(pi1)) {
            assertFalse(d.getObjectDatabase().has(c1)); // loads the (empty) alternates list into the cached handle
        }
        assertTrue(shared.lend(pi1, List.of(group)));
        assertFalse(shared.lend(pi1, List.of(group)));
        try (Repository d = repos.open(pi1)) {
            assertTrue(d.getObjectDatabase().has(c1));
        }
        assertEquals(Set.of(shared.objectsDir(group)), shared.lenders(pi1));
    }

    @Test
    void aMovedMainHasNoReflogAndStockGitSeesAConsistentRepository() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        ObjectId c1 = commit(group, "[1]");
        shared.lend(pi1, List.of(group));
        mains.move("acme", group, Map.of("pi-1", c1));
        ObjectId c2 = commit(group, "[2]");
        DeviceMains.Moved moved = mains.move("acme", group, Map.of("pi-1", c2));

        assertEquals(Map.of("pi-1", c1), moved.previous(), "the commit it had comes from the ref, not a reflog");
        assertFalse(Files.exists(repos.path(pi1).resolve("logs/refs/heads/main")), "no reflog for a device main");
        assertEquals(c2.name(), git(repos.path(pi1), "rev-parse", "refs/heads/main").trim());
        assertEquals("[2]", git(repos.path(pi1), "cat-file", "-p", "main:flows.json"));
        git(repos.path(pi1), "fsck", "--no-dangling", "--strict");
        // a restarted server (a new store, nothing cached) reads the same main
        try (GcQueue queue = new GcQueue(1, Duration.ofHours(1))) {
            LocalRepoStore fresh = new LocalRepoStore(data.resolve("repos"), queue);
            assertEquals(c2, new DeviceMains(fresh, new SharedObjects(fresh)).mains("acme", List.of("pi-1")).get("pi-1"));
        }
    }

    @Test
    void aCommitTheLenderDoesNotHoldIsRefusedAndLeavesMainAsItWas() throws Exception {
        RepoName pi1 = new RepoName("acme", "pi-1");
        ObjectId c1 = commit(group, "[1]");
        shared.lend(pi1, List.of(group));
        mains.move("acme", group, Map.of("pi-1", c1));
        ObjectId elsewhere = commit(new RepoName("acme", "pi-2"), "[\"not the group's\"]");

        assertThrows(IOException.class, () -> mains.move("acme", group, Map.of("pi-1", elsewhere)));
        assertEquals(c1, main(pi1));
        assertFalse(Files.exists(repos.path(pi1).resolve("refs/heads/main.lock")), "no lock file left behind");
    }

    @Test
    void aLenderWithoutARepositorySkipsEveryDevice() throws Exception {
        ObjectId c1 = commit(group, "[1]");
        DeviceMains.Moved moved = mains.move("acme", new RepoName("acme", "gone"), Map.of("pi-1", c1, "pi-2", c1));
        assertEquals(Set.of("pi-1", "pi-2"), Set.copyOf(moved.skipped()));
        assertNull(main(new RepoName("acme", "pi-1")));
    }

    @Test
    void manyDevicesAreMovedByTheWorkersEachOnce() throws Exception {
        ObjectId c1 = commit(group, "[1]");
        Map<String, ObjectId> targets = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            RepoName d = new RepoName("acme", "many-" + i);
            repos.create(d).close();
            shared.lend(d, List.of(group));
            targets.put(d.name(), c1);
        }
        DeviceMains.Moved moved = mains.move("acme", group, targets);
        assertEquals(targets.keySet(), moved.previous().keySet());
        assertEquals(List.copyOf(targets.keySet()), List.copyOf(moved.previous().keySet()), "in the order asked");
        for (String d : targets.keySet()) {
            assertEquals(c1, main(new RepoName("acme", d)));
        }
    }

    @Test
    void aDeviceWithoutARepositoryIsSkipped() throws Exception {
        ObjectId c1 = commit(group, "[1]");
        DeviceMains.Moved moved = mains.move("acme", group, Map.of("nope", c1));
        assertEquals(List.of("nope"), moved.skipped());
        assertNull(mains.mains("acme", List.of("nope")).get("nope"));
    }

    private static Map<String, ObjectId> all(ObjectId c) {
        Map<String, ObjectId> m = new LinkedHashMap<>();
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            m.put(d, c);
        }
        return m;
    }

    private ObjectId commit(RepoName repo, String flows) throws IOException {
        return commit(repo, "refs/heads/main", flows);
    }

    private ObjectId commit(RepoName name, String branch, String flows) throws IOException {
        try (Repository repo = repos.open(name); ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId parent = repo.resolve(branch);
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE,
                    ins.insert(Constants.OBJ_BLOB, flows.getBytes(StandardCharsets.UTF_8)));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            if (parent != null) {
                cb.setParentId(parent);
            }
            cb.setAuthor(WHO);
            cb.setCommitter(WHO);
            cb.setMessage("flows " + flows);
            ObjectId id = ins.insert(cb);
            ins.flush();
            RefUpdate ru = repo.updateRef(branch);
            ru.setNewObjectId(id);
            ru.forceUpdate();
            return id;
        }
    }

    private ObjectId main(RepoName name) throws IOException {
        return mains.mains(name.team(), List.of(name.name())).get(name.name());
    }

    private String file(RepoName name, ObjectId commit, String path) throws IOException {
        try (Repository repo = repos.open(name); RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                return new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    /** Loose objects and packs in the repository's own object directory. */
    private long objectFiles(RepoName name) throws IOException {
        Path objects = repos.path(name).resolve("objects");
        try (Stream<Path> loose = looseFiles(repos.path(name)); Stream<Path> packs = Files.list(objects.resolve("pack"))) {
            return loose.count() + packs.filter(p -> p.toString().endsWith(".pack")).count();
        }
    }

    private static Stream<Path> looseFiles(Path gitDir) throws IOException {
        return Files.walk(gitDir.resolve("objects"))
                .filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}"));
    }

    private static String git(Path gitDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "git " + String.join(" ", args) + ": " + out);
        return out;
    }
}
