package dev.flowstage.storage.review;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReviewStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T07:00:00Z");

    @TempDir
    Path data;
    private final AtomicLong seconds = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return T0.plusSeconds(seconds.get());
        }
    };
    private GcQueue gc;
    private LocalRepoStore repos;
    private GitReviewStore reviews;
    private ObjectId c1;
    private ObjectId c2;

    @BeforeEach
    void open() throws Exception {
        gc = new GcQueue(1_000, Duration.ofHours(1));
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        repos.create(new RepoName("acme", RepoName.CONFIG)).close();
        try (Repository qa = repos.create(new RepoName("acme", "qa"))) {
            c1 = commit(qa, "one");
            c2 = commit(qa, "two");
        }
        reviews = new GitReviewStore(repos, clock);
    }

    @AfterEach
    void close() {
        gc.close();
        RepositoryCache.clear();
    }

    @Test
    void openRecordsTheReviewAndPointsRefsReviewsAtTheCandidate() throws Exception {
        Review r = reviews.open("acme", "qa", c2.name(), c1.name(), "alice", "New dashboard", 2, "000007");
        assertEquals(new Review(1, "acme", "qa", ReviewState.OPEN, c2.name(), c1.name(), "alice", "New dashboard",
                T0, T0, List.of(), 2, "000007", null, null), r);
        assertEquals(r, reviews.get("acme", 1).orElseThrow());
        assertEquals(c2, refIn("qa", "refs/reviews/1"));
        assertEquals(2, reviews.open("acme", "qa", c1.name(), null, "bob", null, 1, null).id());
        try (Repository config = repos.open(new RepoName("acme", RepoName.CONFIG))) {
            // config-as-code on main stays untouched: reviews live on their own ref
            assertNull(config.exactRef("refs/heads/main"));
            var files = new MetaRef(config, ReviewStore.META_REF).read().files();
            assertEquals(Set.of("next-id", "reviews/1.json", "reviews/2.json"), files.keySet());
            assertEquals("3\n", new String(files.get("next-id"), UTF_8));
            assertTrue(new String(files.get("reviews/1.json"), UTF_8).contains("\"state\": \"open\""));
        }
    }

    @Test
    void twentyConcurrentOpensGetIdsOneToTwentyEachWithItsRef() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Review>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                String author = "user" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return reviews.open("acme", "qa", c2.name(), c1.name(), author, "t", 1, null);
                }));
            }
            start.countDown();
            Set<Long> ids = new TreeSet<>();
            for (Future<Review> f : futures) {
                ids.add(f.get().id());
            }
            Set<Long> expected = new TreeSet<>();
            for (long i = 1; i <= 20; i++) {
                expected.add(i);
                assertEquals(c2, refIn("qa", "refs/reviews/" + i));
            }
            assertEquals(expected, ids);
            assertEquals(20, reviews.list("acme", null).size());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void stateTransitionsSurviveARestart() throws Exception {
        reviews.open("acme", "qa", c2.name(), c1.name(), "alice", "t", 2, null);
        seconds.set(60);
        reviews.update("acme", 1, r -> r.withApproval("bob", clock.instant()));
        seconds.set(120);
        Review approved = reviews.update("acme", 1, r -> r.withApproval("carol", clock.instant())
                .withState(ReviewState.APPROVED));
        assertEquals(T0.plusSeconds(120), approved.updatedAt());
        seconds.set(180);
        reviews.update("acme", 1, r -> r.withState(ReviewState.MERGED).withMergedCommit(c2.name()));

        RepositoryCache.clear();
        GitReviewStore restarted = new GitReviewStore(new LocalRepoStore(data.resolve("repos"), gc), clock);
        Review r = restarted.get("acme", 1).orElseThrow();
        assertEquals(ReviewState.MERGED, r.state());
        assertEquals(List.of(new Approval("bob", T0.plusSeconds(60)), new Approval("carol", T0.plusSeconds(120))),
                r.approvals());
        assertEquals(c2.name(), r.mergedCommit());
        assertEquals(T0, r.createdAt());
        assertEquals(T0.plusSeconds(180), r.updatedAt());
        assertEquals(2, restarted.open("acme", "qa", c1.name(), null, "alice", "t", 1, null).id());
    }

    @Test
    void eachApprovalKeepsItsCommentAcrossARestart() throws Exception {
        reviews.open("acme", "qa", c2.name(), c1.name(), "alice", "t", 3, null);
        seconds.set(60);
        reviews.update("acme", 1, r -> r.withApproval("bob", clock.instant(), "Looks right:\n  the \"tick\" <b>node</b>"));
        seconds.set(120);
        reviews.update("acme", 1, r -> r.withApproval("carol", clock.instant()));
        try (Repository config = repos.open(new RepoName("acme", RepoName.CONFIG))) {
            String file = new String(new MetaRef(config, ReviewStore.META_REF).read().files().get("reviews/1.json"), UTF_8);
            // an approval without a comment is written as before, without the field
            assertEquals(1, file.split("\"comment\"", -1).length - 1, file);
        }

        RepositoryCache.clear();
        GitReviewStore restarted = new GitReviewStore(new LocalRepoStore(data.resolve("repos"), gc), clock);
        assertEquals(List.of(new Approval("bob", T0.plusSeconds(60), "Looks right:\n  the \"tick\" <b>node</b>"),
                new Approval("carol", T0.plusSeconds(120), null)), restarted.get("acme", 1).orElseThrow().approvals());
        assertNull(restarted.get("acme", 1).orElseThrow().comment(), "the review's own comment is a rejection's");
    }

    @Test
    void aSecondApprovalBySomeoneCountsOnceAndOnlyAGivenCommentReplacesTheirs() {
        reviews.open("acme", "qa", c2.name(), null, "alice", "t", 2, null);
        reviews.update("acme", 1, r -> r.withApproval("bob", T0, "first"));
        Review again = reviews.update("acme", 1, r -> r.withApproval("bob", T0.plusSeconds(5), null));
        assertEquals(List.of(new Approval("bob", T0, "first")), again.approvals());
        Review changed = reviews.update("acme", 1, r -> r.withApproval("bob", T0.plusSeconds(9), "second thoughts"));
        assertEquals(List.of(new Approval("bob", T0, "second thoughts")), changed.approvals());
    }

    @Test
    void reviewsStoredBeforeApprovalsHadCommentsStillRead() throws Exception {
        // reviews/1.json exactly as the store wrote it before approvals carried a comment
        String old = """
                {
                  "id": 1,
                  "target": "qa",
                  "state": "rejected",
                  "candidate": "%s",
                  "author": "alice",
                  "title": "Old one",
                  "createdAt": "2026-11-01T10:00:00Z",
                  "updatedAt": "2026-11-01T11:00:00Z",
                  "requiredApprovals": 2,
                  "approvals": [
                    {
                      "user": "bob",
                      "at": "2026-11-01T10:30:00Z"
                    }
                  ],
                  "comment": "not this week"
                }
                """.formatted(c2.name());
        try (Repository config = repos.open(new RepoName("acme", RepoName.CONFIG))) {
            new MetaRef(config, ReviewStore.META_REF).edit("old review", new PersonIdent("t", "t@flowstage"),
                    tree -> dev.flowstage.storage.meta.MetaChange.write("reviews/1.json", old.getBytes(UTF_8))
                            .andWrite("next-id", "2\n".getBytes(UTF_8)));
        }
        Review r = reviews.get("acme", 1).orElseThrow();
        assertEquals(List.of(new Approval("bob", Instant.parse("2026-11-01T10:30:00Z"))), r.approvals());
        assertNull(r.approvals().get(0).comment());
        assertEquals("not this week", r.comment());
        assertEquals(ReviewState.REJECTED, r.state());
        assertEquals(List.of(1L), ids(reviews.list("acme", ReviewState.REJECTED)));
    }

    @Test
    void listIsNewestFirstAndFiltersByState() {
        for (int i = 0; i < 3; i++) {
            reviews.open("acme", "qa", c2.name(), c1.name(), "alice", "t" + i, 1, null);
        }
        reviews.update("acme", 2, r -> r.withState(ReviewState.REJECTED).withComment("not now"));
        assertEquals(List.of(3L, 2L, 1L), ids(reviews.list("acme", null)));
        assertEquals(List.of(3L, 1L), ids(reviews.list("acme", ReviewState.OPEN)));
        List<Review> rejected = reviews.list("acme", ReviewState.REJECTED);
        assertEquals(List.of(2L), ids(rejected));
        assertEquals("not now", rejected.get(0).comment());
        assertEquals(List.of(), reviews.list("acme", ReviewState.MERGED));
        assertEquals(List.of(), reviews.list("nobody", null));
        assertEquals(List.of(), reviews.list("Bad Name", null));
        assertTrue(reviews.get("acme", 4).isEmpty());
        assertTrue(reviews.get("acme", 0).isEmpty());
        assertTrue(reviews.get("nobody", 1).isEmpty());
    }

    @Test
    void replaceCandidateMovesTheRefAndRefusesFinalReviews() throws Exception {
        reviews.open("acme", "qa", c1.name(), null, "alice", "t", 1, null);
        Review moved = reviews.replaceCandidate("acme", 1, c2.name(), c1.name());
        assertEquals(c2.name(), moved.candidate());
        assertEquals(c1.name(), moved.base());
        assertEquals(c2, refIn("qa", "refs/reviews/1"));
        assertEquals(c1.name(), reviews.replaceCandidate("acme", 1, c1.name()).candidate());
        assertEquals(c1, refIn("qa", "refs/reviews/1"));

        reviews.update("acme", 1, r -> r.withState(ReviewState.ABANDONED));
        MetaConflictException e = assertThrows(MetaConflictException.class,
                () -> reviews.replaceCandidate("acme", 1, c2.name()));
        assertEquals("review 1 is abandoned; its candidate can no longer change", e.getMessage());
        assertEquals(c1, refIn("qa", "refs/reviews/1"));
    }

    @Test
    void updateThatChangesNothingWritesNothing() throws Exception {
        reviews.open("acme", "qa", c2.name(), null, "alice", "t", 1, null);
        ObjectId head = metaHead();
        seconds.set(60);
        Review same = reviews.update("acme", 1, r -> r.withApproval("alice", T0).withApproval("alice", T0));
        reviews.update("acme", 1, r -> r);
        assertEquals(1, same.approvals().size());
        ObjectId after = metaHead();
        assertTrue(!head.equals(after), "the first approval is a change");
        reviews.update("acme", 1, r -> r.withApproval("alice", T0));
        assertEquals(after, metaHead());
    }

    @Test
    void badInputIsRefusedWithClearMessages() {
        String sha = c2.name();
        assertEquals("team 'nobody' does not exist", assertThrows(MetaNotFoundException.class,
                () -> reviews.open("nobody", "qa", sha, null, "a", "t", 1, null)).getMessage());
        assertEquals("target 'prod' does not exist in team 'acme'", assertThrows(MetaNotFoundException.class,
                () -> reviews.open("acme", "prod", sha, null, "a", "t", 1, null)).getMessage());
        assertEquals("'main' is not a commit id", assertThrows(MetaInvalidException.class,
                () -> reviews.open("acme", "qa", "main", null, "a", "t", 1, null)).getMessage());
        String absent = "0123456789abcdef0123456789abcdef01234567";
        assertEquals("commit " + absent + " is not in acme/qa", assertThrows(MetaInvalidException.class,
                () -> reviews.open("acme", "qa", absent, null, "a", "t", 1, null)).getMessage());
        assertEquals("a review needs at least 1 approval, not 0", assertThrows(MetaInvalidException.class,
                () -> reviews.open("acme", "qa", sha, null, "a", "t", 0, null)).getMessage());
        assertEquals("base 'xyz' is not a commit id", assertThrows(MetaInvalidException.class,
                () -> reviews.open("acme", "qa", sha, "xyz", "a", "t", 1, null)).getMessage());
        assertEquals("review 9 does not exist in team 'acme'", assertThrows(MetaNotFoundException.class,
                () -> reviews.update("acme", 9, r -> r)).getMessage());
        assertEquals("review 9 does not exist in team 'acme'", assertThrows(MetaNotFoundException.class,
                () -> reviews.replaceCandidate("acme", 9, sha)).getMessage());
        // nothing above allocated an id
        assertEquals(1, reviews.open("acme", "qa", sha, null, "a", "t", 1, null).id());
        assertThrows(IllegalArgumentException.class, () -> reviews.update("acme", 1,
                r -> new Review(1, "acme", "other", r.state(), r.candidate(), null, null, null, r.createdAt(),
                        r.updatedAt(), List.of(), 1, null, null, null)));
    }

    private ObjectId metaHead() throws Exception {
        try (Repository config = repos.open(new RepoName("acme", RepoName.CONFIG))) {
            return new MetaRef(config, ReviewStore.META_REF).head();
        }
    }

    private ObjectId refIn(String target, String ref) throws Exception {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            var r = repo.exactRef(ref);
            return r == null ? null : r.getObjectId();
        }
    }

    private static List<Long> ids(List<Review> list) {
        return list.stream().map(Review::id).toList();
    }

    private static ObjectId commit(Repository repo, String content) throws Exception {
        ObjectId parent = repo.resolve("refs/heads/main");
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, content.getBytes(UTF_8)));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            if (parent != null) {
                cb.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("test", "test@flowstage");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(content);
            ObjectId id = ins.insert(cb);
            ins.flush();
            var ru = repo.updateRef("refs/heads/main");
            ru.setNewObjectId(id);
            ru.update();
            return id;
        }
    }
}
