package dev.flowstage.hooks.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewServiceTest {
    private static final UserPrincipal OLGA = new UserPrincipal("olga", false, TokenScope.WRITE);
    private static final UserPrincipal OSCAR = new UserPrincipal("oscar", false, TokenScope.WRITE);
    private static final UserPrincipal MIA = new UserPrincipal("mia", false, TokenScope.WRITE);
    private static final UserPrincipal VIC = new UserPrincipal("vic", false, TokenScope.WRITE);
    private static final UserPrincipal MALLORY = new UserPrincipal("mallory", false, TokenScope.ADMIN);
    private static final RepoName DEV = new RepoName("acme", "dev");

    private static final String TAB = "{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Main\"}";
    private static final String INJECT = "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\",\"wires\":[[\"f1\"]]}";
    private static final String PARSE = "{\"id\":\"f1\",\"type\":\"function\",\"z\":\"t1\",\"name\":\"Parse\",\"func\":\"return msg;\"}";

    @TempDir
    Path dir;
    private LocalRepoStore repos;
    private GitReviewStore reviews;
    private ReviewService service;
    private TeamAccessControl access;
    private final List<String> moved = new CopyOnWriteArrayList<>();
    private final List<String> decided = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1)));
        GitSiteStore site = new GitSiteStore(dir.resolve("site.git"), clock);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        for (String user : List.of("olga", "oscar", "mia", "vic", "mallory")) {
            site.createUser(user, "$argon2id$unused", false);
        }
        teams.create("acme", "olga");
        teams.edit("acme", "olga", "set up", c -> c
                .withMember("oscar", Role.OWNER)
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "app", true, null, null, null, null, Instant.EPOCH)));
        repos.create(DEV).close();
        reviews = new GitReviewStore(repos, clock);
        access = new TeamAccessControl(teams);
        service = new ReviewService(reviews, repos, access, clock,
                (team, target, oldSha, newSha, actor) -> moved.add(team + "/" + target + " " + oldSha + " " + newSha + " " + actor));
        service.addListener(new ReviewListener() {
            @Override
            public void onMerged(Review review, String commit) {
                decided.add("merged " + review.id() + " " + commit);
            }

            @Override
            public void onRejected(Review review) {
                decided.add("rejected " + review.id());
            }
        });
    }

    @Test
    void anApprovalFastForwardsMainWhenMainIsTheBase() throws Exception {
        ObjectId base = commit(null, flows(TAB, INJECT), "base");
        setMain(base);
        ObjectId candidate = commit(base, flows(TAB, INJECT, PARSE), "add a parser");
        Review review = open(candidate, base, 1);

        Review merged = service.approve("acme", review.id(), OLGA);
        assertEquals(ReviewState.MERGED, merged.state());
        assertEquals(candidate.name(), merged.mergedCommit());
        assertEquals(List.of("olga"), merged.approvals().stream().map(a -> a.user()).toList());
        assertEquals(candidate, main());
        assertEquals(List.of("acme/dev " + base.name() + " " + candidate.name() + " olga"), moved);
        assertEquals(List.of("merged " + review.id() + " " + candidate.name()), decided);
    }

    @Test
    void disjointNodeChangesAreMergedWhenMainMoved() throws Exception {
        ObjectId base = commit(null, flows(TAB, INJECT, PARSE), "base");
        ObjectId onMain = commit(base, flows(TAB, INJECT.replace("\"wires\"", "\"repeat\":\"5\",\"wires\""), PARSE), "repeat");
        setMain(onMain);
        ObjectId candidate = commit(base, flows(TAB, INJECT, PARSE.replace("return msg;", "return null;")), "parse less");
        Review review = open(candidate, base, 1);

        Review merged = service.approve("acme", review.id(), OLGA);
        ObjectId head = main();
        assertEquals(head.name(), merged.mergedCommit());
        try (Repository repo = repos.open(DEV); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(head);
            assertEquals(List.of(onMain, candidate), List.of(commit.getParent(0).copy(), commit.getParent(1).copy()));
            assertEquals("Merge review " + review.id() + ": proposal", commit.getShortMessage());
            assertEquals("olga", commit.getAuthorIdent().getName());
            String flows = SnapshotReader.read(repo, head).text("flows.json").orElseThrow();
            assertEquals(flows(TAB, INJECT.replace("\"wires\"", "\"repeat\":\"5\",\"wires\""),
                    PARSE.replace("return msg;", "return null;")), flows);
        }
        assertEquals(List.of("acme/dev " + onMain.name() + " " + head.name() + " olga"), moved);
    }

    @Test
    void theSameNodeChangedOnBothSidesIsRefusedAndNothingChanges() throws Exception {
        ObjectId base = commit(null, flows(TAB, INJECT, PARSE), "base");
        ObjectId onMain = commit(base, flows(TAB, INJECT, PARSE.replace("return msg;", "return 1;")), "main edit");
        setMain(onMain);
        ObjectId candidate = commit(base, flows(TAB, INJECT, PARSE.replace("return msg;", "return 2;")), "review edit");
        Review review = open(candidate, base, 1);

        ReviewConflictException e = assertThrows(ReviewConflictException.class,
                () -> service.approve("acme", review.id(), OLGA));
        assertEquals("flowstage: review " + review.id() + " conflicts with main: node \"f1\" (function \"Parse\")"
                + " changed on both sides", e.getMessage());
        assertEquals(onMain, main());
        Review after = reviews.get("acme", review.id()).orElseThrow();
        assertEquals(ReviewState.OPEN, after.state());
        assertTrue(after.approvals().isEmpty());
        assertTrue(moved.isEmpty());
        assertTrue(decided.isEmpty());
    }

    @Test
    void otherFilesChangedOnBothSidesConflictAndOneSidedChangesAreTaken() throws Exception {
        Snapshot start = Snapshot.EMPTY.with("flows.json", flows(TAB)).with("README.md", "start\n")
                .with("env.json", "{\"A\": \"1\"}\n");
        ObjectId base = commit(null, start, "base");
        ObjectId onMain = commit(base, start.with("README.md", "main\n"), "main readme");
        setMain(onMain);
        ObjectId both = commit(base, start.with("README.md", "review\n"), "review readme");
        ReviewConflictException e = assertThrows(ReviewConflictException.class,
                () -> service.approve("acme", open(both, base, 1).id(), OLGA));
        assertTrue(e.getMessage().endsWith("conflicts with main: file README.md changed on both sides"), e.getMessage());

        ObjectId envOnly = commit(base, start.with("env.json", "{\"A\": \"2\"}\n"), "review env");
        Review merged = service.approve("acme", open(envOnly, base, 1).id(), OLGA);
        try (Repository repo = repos.open(DEV)) {
            Snapshot result = SnapshotReader.read(repo, ObjectId.fromString(merged.mergedCommit()));
            assertEquals("main\n", result.text("README.md").orElseThrow());
            assertEquals("{\"A\": \"2\"}\n", result.text("env.json").orElseThrow());
        }
    }

    @Test
    void onlyOwnersDecideAndOutsidersDoNotSeeTheTeam() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        Review review = open(commit(base, flows(TAB, INJECT), "x"), base, 1);
        for (UserPrincipal who : List.of(MIA, VIC)) {
            ReviewForbiddenException e = assertThrows(ReviewForbiddenException.class,
                    () -> service.approve("acme", review.id(), who));
            assertEquals("only owners of team 'acme' approve reviews", e.getMessage());
            assertThrows(ReviewForbiddenException.class, () -> service.reject("acme", review.id(), who, null));
        }
        ReviewForbiddenException readOnly = assertThrows(ReviewForbiddenException.class,
                () -> service.approve("acme", review.id(), new UserPrincipal("olga", false, TokenScope.READ)));
        assertEquals("to approve a review you need a token with write scope", readOnly.getMessage());
        assertThrows(MetaNotFoundException.class, () -> service.approve("acme", review.id(), MALLORY));
        assertThrows(MetaNotFoundException.class, () -> service.approve("acme", 999, OLGA));
        assertEquals(base, main());
        assertEquals(ReviewState.OPEN, reviews.get("acme", review.id()).orElseThrow().state());
    }

    @Test
    void theSameOwnerApprovingTwiceCountsOnce() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        ObjectId candidate = commit(base, flows(TAB, INJECT), "x");
        Review review = open(candidate, base, 2);
        service.approve("acme", review.id(), OLGA);
        Review twice = service.approve("acme", review.id(), OLGA);
        assertEquals(ReviewState.OPEN, twice.state());
        assertEquals(1, twice.approvals().size());
        assertEquals(base, main());

        Review merged = service.approve("acme", review.id(), OSCAR);
        assertEquals(ReviewState.MERGED, merged.state());
        assertEquals(candidate, main());
    }

    @Test
    void eachApprovalKeepsItsOwnComment() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        Review review = open(commit(base, flows(TAB, INJECT), "x"), base, 2);
        Review first = service.approve("acme", review.id(), OLGA, "  Checked the inject:\r\nfires every 5 s  ");
        assertEquals(ReviewState.OPEN, first.state());
        assertEquals(List.of("olga: Checked the inject:\nfires every 5 s"), approvals(first));
        // approving again counts once; a new comment replaces the approver's own, no comment keeps it
        assertEquals(approvals(first), approvals(service.approve("acme", review.id(), OLGA)));
        assertEquals(approvals(first), approvals(service.approve("acme", review.id(), OLGA, "   ")));
        Review changed = service.approve("acme", review.id(), OLGA, "Checked it twice");
        assertEquals(List.of("olga: Checked it twice"), approvals(changed));
        assertEquals(first.approvals().get(0).at(), changed.approvals().get(0).at());

        Review merged = service.approve("acme", review.id(), OSCAR);
        assertEquals(ReviewState.MERGED, merged.state());
        assertEquals(List.of("olga: Checked it twice", "oscar: null"), approvals(merged));
        assertEquals(merged, reviews.get("acme", review.id()).orElseThrow());
        assertEquals(null, merged.comment(), "the review's own comment is only a rejection's");
    }

    @Test
    void aTooLongCommentOrOneWithControlCharactersIsRefusedAndNothingIsStored() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        Review review = open(commit(base, flows(TAB, INJECT), "x"), base, 2);
        String tooLong = "a".repeat(ReviewComment.MAX_LENGTH + 1);
        InvalidReviewCommentException e = assertThrows(InvalidReviewCommentException.class,
                () -> service.approve("acme", review.id(), OLGA, tooLong));
        assertEquals("comment must be at most 2000 characters, not 2001", e.getMessage());
        assertEquals("comment must be at most 2000 characters, not 2001", assertThrows(
                InvalidReviewCommentException.class, () -> service.reject("acme", review.id(), OLGA, tooLong))
                .getMessage());
        assertEquals("comment must not contain control characters: U+0007 at character 4 (line breaks and tabs are"
                + " fine)", assertThrows(InvalidReviewCommentException.class,
                () -> service.approve("acme", review.id(), OLGA, "ok?\u0007")).getMessage());
        assertEquals(review, reviews.get("acme", review.id()).orElseThrow(), "nothing stored");
        assertEquals(base, main());
        assertTrue(decided.isEmpty());
        // who may not decide hears that first, whatever the comment
        assertThrows(ReviewForbiddenException.class, () -> service.approve("acme", review.id(), MIA, tooLong));

        // the limit counts characters, not UTF-16 units: 2000 emoji fit, tabs and line breaks are text
        String emoji = "\uD83D\uDE80".repeat(ReviewComment.MAX_LENGTH);
        Review approved = service.approve("acme", review.id(), OLGA, emoji);
        assertEquals(emoji, approved.approvals().get(0).comment());
        Review rejected = service.reject("acme", review.id(), OSCAR, "a\tb\nc");
        assertEquals("a\tb\nc", rejected.comment());
    }

    @Test
    void aRejectedReviewKeepsItsCommentAndCannotBeApproved() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        Review review = open(commit(base, flows(TAB, INJECT), "x"), base, 1);
        Review rejected = service.reject("acme", review.id(), OLGA, "  not like this ");
        assertEquals(ReviewState.REJECTED, rejected.state());
        assertEquals("not like this", rejected.comment());
        assertEquals(List.of("rejected " + review.id()), decided);

        ReviewConflictException e = assertThrows(ReviewConflictException.class,
                () -> service.approve("acme", review.id(), OLGA));
        assertEquals("review " + review.id() + " is rejected and can no longer be approved", e.getMessage());
        assertEquals(base, main());
    }

    @Test
    void twoOwnersApprovingAtOnceApplyTheReviewOnce() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        setMain(base);
        ObjectId candidate = commit(base, flows(TAB, INJECT), "x");
        Review review = open(candidate, base, 1);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (UserPrincipal owner : List.of(OLGA, OSCAR)) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return service.approve("acme", review.id(), owner).state().json();
                    } catch (ReviewConflictException e) {
                        return e.getMessage();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            assertTrue(outcomes.contains("merged"), outcomes.toString());
            assertTrue(outcomes.contains("review " + review.id() + " is merged and can no longer be approved"),
                    outcomes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, moved.size(), moved.toString());
        assertEquals(1, decided.size(), decided.toString());
        assertEquals(candidate, main());
    }

    @Test
    void aCandidateAlreadyOnMainIsMergedWithoutMovingMain() throws Exception {
        ObjectId base = commit(null, flows(TAB), "base");
        ObjectId candidate = commit(base, flows(TAB, INJECT), "x");
        setMain(candidate);
        Review review = open(candidate, base, 1);
        Review merged = service.approve("acme", review.id(), OLGA);
        assertEquals(ReviewState.MERGED, merged.state());
        assertEquals(candidate.name(), merged.mergedCommit());
        assertTrue(moved.isEmpty());
    }

    @Test
    void aReviewOfATargetWithoutMainCreatesIt() throws Exception {
        ObjectId candidate = commit(null, flows(TAB), "first");
        Review review = open(candidate, null, 1);
        service.approve("acme", review.id(), OLGA);
        assertEquals(candidate, main());
        assertEquals(List.of("acme/dev null " + candidate.name() + " olga"), moved);
    }

    @Test
    void mainMovingWhileTheReviewIsAppliedIsMergedOnceMore() throws Exception {
        ObjectId base = commit(null, flows(TAB, INJECT, PARSE), "base");
        setMain(base);
        ObjectId racing = commit(base, flows(TAB.replace("Main", "Renamed"), INJECT, PARSE), "a push lands meanwhile");
        ObjectId candidate = commit(base, flows(TAB, INJECT, PARSE.replace("return msg;", "return null;")), "x");
        Review review = open(candidate, base, 1);
        ReviewService racy = serviceMovingMainTo(List.of(racing));

        Review merged = racy.approve("acme", review.id(), OLGA);
        try (Repository repo = repos.open(DEV); RevWalk walk = new RevWalk(repo)) {
            RevCommit head = walk.parseCommit(main());
            assertEquals(head.name(), merged.mergedCommit());
            assertEquals(List.of(racing, candidate), List.of(head.getParent(0).copy(), head.getParent(1).copy()));
            assertEquals(flows(TAB.replace("Main", "Renamed"), INJECT, PARSE.replace("return msg;", "return null;")),
                    SnapshotReader.read(repo, head).text("flows.json").orElseThrow());
        }
    }

    @Test
    void mainThatKeepsMovingFailsTheApprovalCleanly() throws Exception {
        ObjectId base = commit(null, flows(TAB, INJECT, PARSE), "base");
        setMain(base);
        ObjectId first = commit(base, flows(TAB.replace("Main", "One"), INJECT, PARSE), "one");
        ObjectId second = commit(first, flows(TAB.replace("Main", "Two"), INJECT, PARSE), "two");
        ObjectId candidate = commit(base, flows(TAB, INJECT, PARSE.replace("return msg;", "return null;")), "x");
        Review review = open(candidate, base, 1);
        ReviewService racy = serviceMovingMainTo(List.of(first, second));

        ReviewConflictException e = assertThrows(ReviewConflictException.class,
                () -> racy.approve("acme", review.id(), OLGA));
        assertEquals("flowstage: main of acme/dev kept changing while review " + review.id()
                + " was applied; approve it again", e.getMessage());
        assertEquals(second, main());
        assertEquals(ReviewState.OPEN, reviews.get("acme", review.id()).orElseThrow().state());
    }

    /** A service whose repository moves main to the next of {@code moves} just before each update of main. */
    private ReviewService serviceMovingMainTo(List<ObjectId> moves) throws Exception {
        Deque<ObjectId> pending = new ArrayDeque<>(moves);
        RepoStore racing = new RepoStore() {
            @Override
            public Path path(RepoName name) {
                return repos.path(name);
            }

            @Override
            public boolean exists(RepoName name) {
                return repos.exists(name);
            }

            @Override
            public Repository open(RepoName name) throws IOException {
                if (!name.equals(DEV)) {
                    return repos.open(name);
                }
                return new FileRepository(repos.path(name).toFile()) {
                    @Override
                    public RefUpdate updateRef(String ref) throws IOException {
                        if (ref.equals("refs/heads/main") && !pending.isEmpty()) {
                            setMain(pending.poll());
                        }
                        return super.updateRef(ref);
                    }
                };
            }

            @Override
            public Repository create(RepoName name) throws IOException {
                return repos.create(name);
            }

            @Override
            public void delete(RepoName name) throws IOException {
                repos.delete(name);
            }

            @Override
            public void pushed(RepoName name) {
                repos.pushed(name);
            }
        };
        return new ReviewService(reviews, racing, access, Clock.systemUTC(), MainMovedListener.NONE);
    }

    private static List<String> approvals(Review r) {
        return r.approvals().stream().map(a -> a.user() + ": " + a.comment()).toList();
    }

    private Review open(ObjectId candidate, ObjectId base, int required) {
        return reviews.open("acme", "dev", candidate.name(), base == null ? null : base.name(), "mia", "proposal",
                required, null);
    }

    private ObjectId commit(ObjectId parent, String flows, String message) throws IOException {
        return commit(parent, Snapshot.EMPTY.with("flows.json", flows), message);
    }

    private ObjectId commit(ObjectId parent, Snapshot snapshot, String message) throws IOException {
        try (Repository repo = repos.open(DEV)) {
            PersonIdent who = new PersonIdent("mia", "mia@example.com");
            return SnapshotWriter.commit(repo, snapshot, parent == null ? List.of() : List.of(parent), who, who, message);
        }
    }

    private void setMain(ObjectId id) throws IOException {
        try (Repository repo = repos.open(DEV)) {
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setNewObjectId(id);
            ru.setForceUpdate(true);
            ru.update();
        }
    }

    private ObjectId main() throws IOException {
        try (Repository repo = repos.open(DEV)) {
            return repo.exactRef("refs/heads/main").getObjectId();
        }
    }

    private static String flows(String... nodes) {
        return "[\n" + String.join(",\n", nodes) + "\n]\n";
    }

}
