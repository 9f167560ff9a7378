package dev.flowstage.storage.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedRefsTest {
    @TempDir
    Path dir;

    @Test
    void newAndOldRepositoriesGetAPackedRefsFileWithNoRefsAndExistingOnesAreKept() throws Exception {
        try (GcQueue gc = new GcQueue(1000, Duration.ofHours(1))) {
            LocalRepoStore store = new LocalRepoStore(dir, gc);
            RepoName fresh = new RepoName("acme", "dev");
            store.create(fresh).close();
            assertThat(store.path(fresh).resolve("packed-refs")).hasContent("# pack-refs with: peeled fully-peeled sorted ");

            RepoName old = new RepoName("acme", "old");
            store.create(old).close();
            Files.delete(store.path(old).resolve("packed-refs"));
            // as after an upgrade: a server process that has not opened this repository yet
            LocalRepoStore restarted = new LocalRepoStore(dir, gc);
            try (Repository r = restarted.open(old)) {
                assertThat(r.exactRef("refs/heads/main")).isNull();
            }
            assertThat(store.path(old).resolve("packed-refs")).exists();

            Path written = store.path(new RepoName("acme", "dev")).resolve("packed-refs");
            Files.writeString(written, "# pack-refs with: peeled \n" + "0".repeat(39) + "1 refs/heads/x\n");
            PackedRefs.ensure(store.path(fresh));
            assertThat(written).hasContent("# pack-refs with: peeled \n" + "0".repeat(39) + "1 refs/heads/x");
        }
    }
}
