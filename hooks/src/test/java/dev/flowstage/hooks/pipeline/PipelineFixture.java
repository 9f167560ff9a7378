package dev.flowstage.hooks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TargetListeners;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.run.GitRunStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;

/**
 * Real stores over a temp data dir: team "acme" (owners olga and oscar, member mia, viewer vic),
 * application "factory", instances dev, qa (credentialSecret "qa-secret"), prod (protected) with
 * dev's secret "dev-secret".
 */
final class PipelineFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEAM = "acme";
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final Path dir;
    final Clock clock = Clock.systemUTC();
    final GcQueue gc = new GcQueue(1_000_000, Duration.ofHours(1));
    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final AesGcmSecretBox secrets;
    final GitRunStore runs;
    final GitReviewStore reviews;
    final ConfigPipelineStore pipelines;
    /** Told of repositories created and configuration edits; device tests register a Fleet here. */
    final TargetListeners targetListeners = new TargetListeners();

    PipelineFixture(Path dir) throws IOException {
        this.dir = dir;
        repos = new LocalRepoStore(dir.resolve("repos"), gc, targetListeners::repositoryCreated);
        site = new GitSiteStore(dir.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock, targetListeners);
        secrets = AesGcmSecretBox.loadOrCreate(dir.resolve("secrets/master.key"));
        runs = new GitRunStore(repos, clock);
        reviews = new GitReviewStore(repos, clock);
        pipelines = new ConfigPipelineStore(teams, secrets);
        for (String user : List.of("olga", "oscar", "mia", "vic", "eve")) {
            site.createUser(user, "$argon2id$unused", false);
        }
        teams.create(TEAM, "olga");
        teams.edit(TEAM, "olga", "set up", c -> c
                .withMember("oscar", Role.OWNER)
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("factory", new Application("factory", "", Instant.EPOCH))
                .withTarget("dev", instance("dev", false, "dev-secret"))
                .withTarget("qa", instance("qa", false, "qa-secret"))
                .withTarget("prod", instance("prod", true, null)));
        for (String t : List.of("dev", "qa", "prod")) {
            repos.create(new RepoName(TEAM, t)).close();
        }
    }

    Target instance(String name, boolean protectedMain, String credentialSecret) {
        return new Target(TargetKind.INSTANCE, name, "factory", protectedMain, null,
                credentialSecret == null ? null : secrets.seal(credentialSecret), null, null, Instant.EPOCH);
    }

    PipelineEngine engine(MainMovedListener moved) {
        return engine(moved, LiveCapture.NONE);
    }

    PipelineEngine engine(MainMovedListener moved, LiveCapture capture) {
        return new PipelineEngine(teams, runs, reviews, repos, secrets, clock, moved, capture, 4);
    }

    ReviewService reviewService() {
        return new ReviewService(reviews, repos, new TeamAccessControl(teams), clock, MainMovedListener.NONE);
    }

    /** Creates a pipeline from JSON text as olga. */
    Pipeline pipeline(String json) {
        return pipelines.create(TEAM, "olga", json(json));
    }

    /** dev → qa → prod with the given concurrency and dev's action. */
    Pipeline line(String concurrency, String devAction) {
        return pipeline("{\"name\":\"line-1\",\"application\":\"factory\",\"concurrency\":\"" + concurrency + "\","
                + "\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"" + devAction + "\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\",\"action\":\"use_latest_snapshot\"},"
                + "{\"name\":\"prod\",\"instance\":\"prod\"}]}");
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits {@code s} on the target's main (on top of the current main). */
    ObjectId commit(String target, Snapshot s, String message) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target))) {
            ObjectId parent = repo.resolve("refs/heads/main");
            PersonIdent who = new PersonIdent("test", "test@flowstage");
            ObjectId id = SnapshotWriter.commit(repo, s, parent == null ? List.of() : List.of(parent), who, who, message);
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
            ru.setNewObjectId(id);
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("cannot set main: " + r);
            }
            return id;
        }
    }

    ObjectId main(String target) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target))) {
            return repo.resolve("refs/heads/main");
        }
    }

    Snapshot snapshot(String target, ObjectId commit) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target))) {
            return SnapshotReader.read(repo, commit);
        }
    }

    static Snapshot flows(String flowsJson) {
        return Snapshot.EMPTY.with("flows.json", flowsJson);
    }

    /** Waits up to 20 s for the run to satisfy {@code done}. */
    Run await(String id, Predicate<Run> done) {
        return await(id, done, TIMEOUT);
    }

    /** {@link #await(String, Predicate)} with another bound (runs that talk to a real Git server over SSH). */
    Run await(String id, Predicate<Run> done, Duration atMost) {
        try {
            return Awaitility.await("run " + id).atMost(atMost).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5)).until(() -> runs.get(TEAM, id).orElseThrow(), done);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("run " + id + " did not get there: " + runs.get(TEAM, id).orElseThrow(), e);
        }
    }

    Run awaitEnd(String id) {
        return await(id, r -> r.status().isTerminal());
    }

    /**
     * Waits up to 20 s until {@code t} is parked inside {@code owner.method}: the event that proves it got
     * there and is held there, without guessing how long that takes.
     */
    static void awaitParkedIn(Thread t, Class<?> owner, String method) {
        Awaitility.await(t.getName() + " waiting in " + owner.getSimpleName() + "." + method).atMost(TIMEOUT)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> parkedIn(t, owner, method));
    }

    private static boolean parkedIn(Thread t, Class<?> owner, String method) {
        if (!parked(t)) {
            return false;
        }
        boolean inside = Arrays.stream(t.getStackTrace())
                .anyMatch(e -> e.getClassName().equals(owner.getName()) && e.getMethodName().equals(method));
        return inside && parked(t);
    }

    private static boolean parked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    @Override
    public void close() {
        gc.close();
        site.close();
        RepositoryCache.clear();
    }
}
