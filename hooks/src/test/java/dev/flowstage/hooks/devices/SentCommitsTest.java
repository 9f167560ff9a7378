package dev.flowstage.hooks.devices;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentCommitsTest {
    @TempDir
    Path dir;

    @Test
    void commitsOnMainOrTheDeviceBranchWereSentOthersWereNot() throws Exception {
        LocalRepoStore repos = new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1)));
        RepoName pi = new RepoName("t", "pi");
        RepoName other = new RepoName("t", "other");
        ObjectId first;
        ObjectId second;
        ObjectId uploaded;
        ObjectId hidden;
        ObjectId elsewhere;
        try (Repository repo = repos.create(pi); Repository o = repos.create(other)) {
            first = Commits.commit(repo, "refs/heads/main", "one");
            second = Commits.commit(repo, "refs/heads/main", "two");
            uploaded = Commits.commit(repo, "refs/heads/device", "on site");
            hidden = Commits.commit(repo, "refs/heads/work", "not deployed");
            elsewhere = Commits.commit(o, "refs/heads/main", "other device");
        }
        SentCommits sent = new SentCommits(repos);
        assertTrue(sent.wasSent(pi, second), "the tip of main");
        assertTrue(sent.wasSent(pi, first), "history of main");
        assertTrue(sent.wasSent(pi, uploaded), "the device's own upload");
        assertFalse(sent.wasSent(pi, hidden), "a work branch the device never saw");
        assertFalse(sent.wasSent(pi, elsewhere), "another device's commit");
        assertFalse(sent.wasSent(pi, ObjectId.fromString("0123456789abcdef0123456789abcdef01234567")));
    }

    @Test
    void theWalkIsBounded() throws Exception {
        LocalRepoStore repos = new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1)));
        RepoName pi = new RepoName("t", "pi");
        ObjectId old;
        try (Repository repo = repos.create(pi)) {
            old = Commits.commit(repo, "refs/heads/main", "0");
            for (int i = 1; i <= 5; i++) {
                Commits.commit(repo, "refs/heads/main", Integer.toString(i));
            }
        }
        assertFalse(new SentCommits(repos, 3).wasSent(pi, old));
        assertTrue(new SentCommits(repos, 10).wasSent(pi, old));
    }
}
