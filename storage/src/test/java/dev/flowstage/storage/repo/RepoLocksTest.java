package dev.flowstage.storage.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;

class RepoLocksTest {
    @Test
    void writersShareTheRepositoryButGcWaitsForThemAndTheyForGc() throws Exception {
        File dir = new File("/tmp/does-not-need-to-exist/acme/dev.git");
        try (RepoLocks.Held first = RepoLocks.writing(dir); RepoLocks.Held second = RepoLocks.writing(new File(dir, "."))) {
            Lock gc = RepoLocks.of(dir).writeLock();
            assertThat(gc.tryLock()).as("gc must wait while writers hold the repository").isFalse();
        }
        Lock gc = RepoLocks.of(dir).writeLock();
        assertThat(gc.tryLock()).isTrue();
        AtomicBoolean wrote = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            try (RepoLocks.Held w = RepoLocks.writing(dir)) {
                wrote.set(true);
            }
        });
        writer.start();
        started.await();
        writer.join(200);
        assertThat(wrote).as("a writer must wait while gc runs").isFalse();
        gc.unlock();
        writer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(wrote).isTrue();
        assertThat(RepoLocks.of(new File("/tmp/other.git")).writeLock().tryLock()).as("other repositories are independent").isTrue();
    }
}
