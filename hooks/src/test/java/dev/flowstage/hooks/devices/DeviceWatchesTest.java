package dev.flowstage.hooks.devices;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.events.DevicesMovedListener;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceWatchesTest {
    private static final RepoName PI = new RepoName("t", "pi");

    @TempDir
    Path dir;
    private LocalRepoStore repos;
    private DeviceWatches watches;
    private ObjectId first;

    @BeforeEach
    void setUp() throws Exception {
        repos = new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1)));
        try (Repository repo = repos.create(PI)) {
            first = Commits.commit(repo, "refs/heads/main", "one");
        }
        watches = new DeviceWatches(repos, Duration.ofMillis(50));
    }

    @AfterEach
    void tearDown() {
        watches.close();
    }

    @Test
    void withoutAfterOrWithAnOldOneTheAnswerIsImmediate() {
        CompletableFuture<DeviceWatches.Outcome> now = new CompletableFuture<>();
        watches.watch(PI, null, Optional::empty, now::complete);
        assertEquals(new DeviceWatches.Outcome.Moved(first.name()), now.getNow(null));
        CompletableFuture<DeviceWatches.Outcome> old = new CompletableFuture<>();
        watches.watch(PI, "0".repeat(40), Optional::empty, old::complete);
        assertEquals(new DeviceWatches.Outcome.Moved(first.name()), old.getNow(null));
        assertEquals(0, watches.waiting());
    }

    @Test
    void aRefWriteThatTellsNobodyStillWakesTheWaiter() throws Exception {
        CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
        watches.watch(PI, first.name(), Optional::empty, answer::complete);
        assertEquals(1, watches.waiting());
        ObjectId second;
        try (Repository repo = repos.open(PI)) {
            second = Commits.commit(repo, "refs/heads/main", "two");
        }
        assertEquals(new DeviceWatches.Outcome.Moved(second.name()), answer.get(10, TimeUnit.SECONDS));
        assertEquals(0, watches.waiting());
    }

    @Test
    void theMainMovedNotificationWakesTheWaiter() throws Exception {
        watches.close();
        watches = new DeviceWatches(repos, Duration.ofHours(1)); // no periodic re-read during this test
        CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
        watches.watch(PI, first.name(), Optional::empty, answer::complete);
        // main moved behind JGit's back (no ref-change event): only the notification can wake the waiter
        ObjectId second;
        try (Repository repo = repos.open(PI)) {
            second = Commits.commit(repo, "refs/heads/staging", "two");
        }
        Files.writeString(repos.path(PI).resolve("refs/heads/main"), second.name() + "\n");
        assertFalse(answer.isDone());
        watches.onMainMoved("t", "pi", first.name(), second.name(), "test");
        assertEquals(new DeviceWatches.Outcome.Moved(second.name()), answer.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aMoveNoSignalReportedIsSeenByThePeriodicReRead() throws Exception {
        CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
        watches.watch(PI, first.name(), Optional::empty, answer::complete);
        ObjectId second;
        try (Repository repo = repos.open(PI)) {
            second = Commits.commit(repo, "refs/heads/staging", "two");
        }
        Files.writeString(repos.path(PI).resolve("refs/heads/main"), second.name() + "\n");
        assertEquals(new DeviceWatches.Outcome.Moved(second.name()), answer.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWaiterNoLongerAllowedIsEndedWithItsReason() throws Exception {
        AtomicReference<Optional<DeviceWatches.Outcome.Ended>> allowed = new AtomicReference<>(Optional.empty());
        CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
        watches.watch(PI, first.name(), allowed::get, answer::complete);
        DeviceWatches.Outcome.Ended gone = new DeviceWatches.Outcome.Ended(DeviceWatches.Reason.DEVICE_GONE, "deleted");
        allowed.set(Optional.of(gone));
        assertEquals(gone, answer.get(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> watches.waiting() == 0);
    }

    @Test
    void waitersWokenByAMoveAreAnsweredFromTheAnswerPoolWithTheNewCommit() throws Exception {
        List<CompletableFuture<String>> threads = new ArrayList<>();
        List<CompletableFuture<DeviceWatches.Outcome>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<String> thread = new CompletableFuture<>();
            CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
            watches.watch(PI, first.name(), Optional::empty, o -> {
                thread.complete(Thread.currentThread().getName());
                answer.complete(o);
            });
            threads.add(thread);
            answers.add(answer);
        }
        ObjectId second;
        try (Repository repo = repos.open(PI)) {
            second = Commits.commit(repo, "refs/heads/main", "two");
        }
        watches.onDevicesMoved("t", List.of(new DevicesMovedListener.DeviceMove("pi", first.name(), second.name())),
                "test");
        for (int i = 0; i < 5; i++) {
            assertEquals(new DeviceWatches.Outcome.Moved(second.name()), answers.get(i).get(10, TimeUnit.SECONDS));
            assertTrue(threads.get(i).get().startsWith("flowstage-device-watch-answer-"), threads.get(i).get());
        }
        assertEquals(0, watches.waiting());
    }

    @Test
    void waitersSharingARecheckKeyAreRecheckedOnceForAll() throws Exception {
        AtomicBoolean revoked = new AtomicBoolean();
        AtomicInteger askedAfterRevoking = new AtomicInteger();
        DeviceWatches.Outcome.Ended ended = new DeviceWatches.Outcome.Ended(DeviceWatches.Reason.UNAUTHORIZED, "revoked");
        Supplier<Optional<DeviceWatches.Outcome.Ended>> stillAllowed = () -> {
            if (!revoked.get()) {
                return Optional.empty();
            }
            askedAfterRevoking.incrementAndGet();
            return Optional.of(ended);
        };
        List<CompletableFuture<DeviceWatches.Outcome>> sameToken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<DeviceWatches.Outcome> answer = new CompletableFuture<>();
            watches.watch(PI, first.name(), "pi with token A", stillAllowed, answer::complete);
            sameToken.add(answer);
        }
        CompletableFuture<DeviceWatches.Outcome> otherToken = new CompletableFuture<>();
        watches.watch(PI, first.name(), "pi with token B", Optional::empty, otherToken::complete);
        revoked.set(true);
        for (CompletableFuture<DeviceWatches.Outcome> answer : sameToken) {
            assertEquals(ended, answer.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, askedAfterRevoking.get(), "one check answered the three waiters of that token");
        assertFalse(otherToken.isDone(), "another token's waiter still waits");
        assertEquals(1, watches.waiting());
    }

    @Test
    void aCancelledWatchIsNeverAnswered() throws Exception {
        AtomicReference<DeviceWatches.Outcome> answered = new AtomicReference<>();
        DeviceWatches.Watch w = watches.watch(PI, first.name(), Optional::empty, answered::set);
        w.cancel();
        assertEquals(0, watches.waiting());
        CompletableFuture<DeviceWatches.Outcome> other = new CompletableFuture<>();
        watches.watch(PI, first.name(), Optional::empty, other::complete);
        try (Repository repo = repos.open(PI)) {
            Commits.commit(repo, "refs/heads/main", "two");
        }
        other.get(10, TimeUnit.SECONDS); // by then the cancelled one would have been answered too
        assertNull(answered.get());
    }
}
