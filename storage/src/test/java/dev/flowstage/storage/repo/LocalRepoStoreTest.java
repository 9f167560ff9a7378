package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRepoStoreTest {
    @TempDir
    Path data;

    private final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));

    @AfterEach
    void stop() {
        gc.close();
    }

    @Test
    void createMakesABareRepoOnMainWithServerConfig() throws Exception {
        LocalRepoStore store = new LocalRepoStore(data.resolve("repos"), gc);
        RepoName name = new RepoName("team", "dev");
        assertFalse(store.exists(name));
        try (Repository repo = store.create(name)) {
            assertTrue(repo.isBare());
            assertEquals(data.resolve("repos/team/dev.git").toAbsolutePath(), repo.getDirectory().toPath());
            Ref head = repo.exactRef("HEAD");
            assertTrue(head.isSymbolic());
            assertEquals("refs/heads/main", head.getTarget().getName());
            assertFalse(repo.getConfig().getBoolean("receive", "autogc", true));
            assertTrue(repo.getConfig().getBoolean("core", "logallrefupdates", false));
        }
        assertTrue(store.exists(name));
        // the stock git client agrees
        assertEquals("refs/heads/main", git(store.path(name), "symbolic-ref", "HEAD"));
        assertEquals("false", git(store.path(name), "config", "receive.autogc"));
    }

    @Test
    void openingAMissingRepoFails() {
        LocalRepoStore store = new LocalRepoStore(data, gc);
        assertThrows(RepositoryNotFoundException.class, () -> store.open(new RepoName("team", "nope")));
        assertFalse(Files.exists(data.resolve("team/nope.git")), "open must not create anything");
    }

    @Test
    void creatingTwiceFailsAndKeepsTheFirst() throws Exception {
        LocalRepoStore store = new LocalRepoStore(data, gc);
        RepoName name = new RepoName("team", "dev");
        ObjectId first;
        try (Repository repo = store.create(name)) {
            first = TestCommits.commit(repo, "refs/heads/main", "flows.json", "[]");
        }
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> store.create(name));
        assertEquals("repository team/dev already exists", e.getMessage());
        try (Repository repo = store.open(name)) {
            assertEquals(first, repo.resolve("refs/heads/main"));
        }
    }

    @Test
    void deleteRemovesTheRepoAndItsCachedHandle() throws Exception {
        LocalRepoStore store = new LocalRepoStore(data, gc);
        RepoName name = new RepoName("team", "dev");
        try (Repository repo = store.create(name)) {
            TestCommits.commit(repo, "refs/heads/main", "flows.json", "[1]");
        }
        store.delete(name);
        assertFalse(store.exists(name));
        assertFalse(Files.exists(data.resolve("team")), "empty team directory is removed too");
        // a new repo of the same name starts empty: no stale handle from the cache
        try (Repository repo = store.create(name)) {
            assertNull(repo.resolve("refs/heads/main"));
        }
    }

    @Test
    void repositoriesInUseStayOpenAndIdleOnesAreReleasedAtTheNextSweep() throws Exception {
        AtomicLong now = new AtomicLong();
        LocalRepoStore store = new LocalRepoStore(data, gc, now::get);
        RepoName dev = new RepoName("team", "dev");
        RepoName qa = new RepoName("team", "qa");
        store.create(dev).close();
        store.create(qa).close();
        Repository first;
        try (Repository repo = store.open(dev)) {
            first = repo;
        }
        try (Repository again = store.open(dev)) {
            assertSame(first, again, "a held repository is handed out again, not reopened");
        }
        assertEquals(2, store.held());

        now.addAndGet(Duration.ofMinutes(5).toNanos());
        store.open(qa).close(); // sweeps: nothing idle long enough yet
        assertEquals(2, store.held());

        now.addAndGet(LocalRepoStore.HOLD_IDLE.toNanos() - Duration.ofMinutes(4).toNanos());
        store.open(qa).close(); // dev idle for HOLD_IDLE + 1 min, qa used 6 min ago
        assertEquals(1, store.held());
        try (Repository reopened = store.open(dev)) {
            assertTrue(reopened.getObjectDatabase().exists(), "a released repository opens again");
        }
        assertEquals(2, store.held());
        store.delete(dev);
        assertEquals(1, store.held());
    }

    @Test
    void deleteKeepsTheTeamDirectoryWhileOtherReposRemain() throws Exception {
        LocalRepoStore store = new LocalRepoStore(data, gc);
        store.create(new RepoName("team", "a")).close();
        store.create(new RepoName("team", "b")).close();
        store.delete(new RepoName("team", "a"));
        assertTrue(store.exists(new RepoName("team", "b")));
    }

    @Test
    void pathsStayInsideTheReposDir() {
        LocalRepoStore store = new LocalRepoStore(data.resolve("x/../repos"), gc);
        Path p = store.path(new RepoName("team", RepoName.CONFIG));
        assertEquals(data.resolve("repos/team/_config.git").toAbsolutePath(), p);
    }

    private static String git(Path gitDir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
