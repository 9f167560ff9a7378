package dev.flowstage.storage.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleLocksTest {
    @TempDir
    Path dir;

    @Test
    void aLockFileLeftByAKilledProcessNoLongerBlocksTheRef() throws Exception {
        try (GcQueue gc = new GcQueue(1000, Duration.ofHours(1))) {
            LocalRepoStore store = new LocalRepoStore(dir, gc);
            RepoName name = new RepoName("acme", "_config");
            store.create(name).close();
            Path refs = store.path(name).resolve("refs/meta");
            Files.createDirectories(refs);
            Path stale = refs.resolve("runs.lock");
            Path fresh = refs.resolve("other.lock");
            Files.writeString(stale, "");
            Files.writeString(fresh, "");
            Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(1))));

            // a new store stands for a restarted server opening the repository for the first time
            try (Repository repo = new LocalRepoStore(dir, gc).open(name); ObjectInserter ins = repo.newObjectInserter()) {
                assertThat(stale).doesNotExist();
                assertThat(fresh).as("a lock made by this process may be in use").exists();
                ObjectId blob = ins.insert(Constants.OBJ_BLOB, new byte[] {1});
                ins.flush();
                RefUpdate u = repo.updateRef("refs/meta/runs");
                u.setNewObjectId(blob);
                u.setExpectedOldObjectId(ObjectId.zeroId());
                assertThat(u.update()).isEqualTo(RefUpdate.Result.NEW);
            }
        }
    }
}
