package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.review.ReviewListener;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Approval;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.secret.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline engine (SPEC §6): admits deploys and rollbacks (permissions, actions, concurrency), runs
 * them on a small pool — one at a time per pipeline under {@code queue} and {@code forbid}, in parallel
 * under {@code allow} — finishes runs waiting on reviews when those are decided, and on start-up
 * resolves the runs a stopped server left behind ({@link #start}).
 */
public final class PipelineEngine implements PipelineRunner, ReviewListener, MainMovedListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineEngine.class);
    static final String ROLLBACK = "rollback";
    /** Set by {@link #startInBackground()}; counted down when recovery is over. */
    private volatile CountDownLatch recovering;

    /** How far back in a target's history recovery looks for a run's commit. */
    private static final int RECOVERY_DEPTH = 200;

    private final TeamStore teams;
    private final RunStore runs;
    private final ReviewStore reviews;
    private final Promoter promoter;
    private final RunExecutor executor;
    private final Clock clock;
    private final ExecutorService pool;
    private final ExecutorService writer;
    private final KeyedSerialExecutor serial;
    /** Pending (queued, running, awaiting approval) run ids per "team/pipeline": what forbid checks. */
    private final ConcurrentHashMap<String, Set<String>> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> admission = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PipelineEngine(TeamStore teams, RunStore runs, ReviewStore reviews, RepoStore repos, SecretBox secrets,
            Clock clock, MainMovedListener mainMoved, LiveCapture capture, int threads) {
        this.teams = teams;
        this.runs = runs;
        this.reviews = reviews;
        this.clock = clock;
        this.promoter = new Promoter(repos, clock);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pipeline-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.serial = new KeyedSerialExecutor(pool);
        // one thread for the "running" writes that overlap a promotion: they serialize on the run store anyway
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipeline-run-writer");
            t.setDaemon(true);
            return t;
        });
        this.executor = new RunExecutor(teams, runs, reviews, promoter, secrets, clock, mainMoved, capture, this::release,
                writer);
    }

    /**
     * Start-up recovery: a run whose commit (found by its {@code Flowstage-Run} trailer) is on its target's
     * main succeeded; else a run left {@code running} failed and {@code queued} runs are resumed in order;
     * runs awaiting a review that was decided while the server was down are finished.
     */
    public void start() {
        for (Run r : runs.allNonTerminal()) {
            try {
                recover(r);
            } catch (RuntimeException | IOException e) {
                LOG.error("cannot recover pipeline run {} of team {}", r.id(), r.team(), e);
            }
        }
    }

    /**
     * {@link #start()} on a thread of its own, so that the server's listeners start meanwhile. Until it is
     * done, deploys, rollbacks and review outcomes wait for it: recovery still comes first.
     */
    public CompletableFuture<Void> startInBackground() {
        CountDownLatch latch = new CountDownLatch(1);
        recovering = latch;
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                start();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            } finally {
                latch.countDown();
            }
        }, "flowstage-run-recovery");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private void awaitRecovery() {
        CountDownLatch latch = recovering;
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while start-up recovery of pipeline runs was going on", e);
        }
    }

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            String trigger) {
        Role role = null;
        if (API.equals(trigger) || PUSH.equals(trigger)) {
            role = config(team).role(actor);
            if (role == null) {
                throw new PipelineForbiddenException("'" + actor + "' is not a member of team '" + team + "'");
            }
        } else if (!WEBHOOK.equals(trigger) && !SCHEDULE.equals(trigger)) {
            throw new IllegalArgumentException("unknown trigger '" + trigger + "'");
        }
        return deployAs(team, pipeline, stage, snapshotSha, actor, role, trigger);
    }

    /**
     * As {@link #deploy}, with the actor's role already decided by the caller (the API, where server admins
     * act as owners); {@code role} null means a trigger authorized by the pipeline's configuration.
     */
    public Run deployAs(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            Role role, String trigger) {
        awaitRecovery();
        TeamConfig config = config(team);
        Pipeline p = pipeline(config, pipeline);
        Stage from = p.stage(stage).orElseThrow(() -> new MetaNotFoundException(
                "stage '" + stage + "' does not exist in pipeline '" + pipeline + "'"));
        Stage into = p.next(stage).orElseThrow(() -> new MetaInvalidException("stage '" + stage
                + "' is the last stage of pipeline '" + pipeline + "': there is nothing after it to deploy to"));
        if (from.kind() != StageKind.INSTANCE || into.kind() != StageKind.INSTANCE) {
            throw new MetaInvalidException("deploying from a " + from.kind().json() + " stage into a " + into.kind().json()
                    + " stage is not supported yet: this version deploys between instance stages");
        }
        Target target = existingTarget(config, into);
        existingTarget(config, from);
        checkRole(role, target, "deploy into");
        String action = from.effectiveAction();
        Run run = Run.queued(team, pipeline, stage, from.target(), into.target(), action, actor);
        if ("prompt_snapshot".equals(action)) {
            run = run.withCommits(promptedSnapshot(team, from, snapshotSha), null, null);
        } else if (snapshotSha.isPresent()) {
            throw new MetaInvalidException("stage '" + stage + "' uses " + action + ", which chooses the snapshot"
                    + " itself: leave 'snapshot' out");
        }
        return admit(p, run, "Deploy of stage " + stage + " requested by " + actor + " (" + trigger + ")");
    }

    /**
     * Queues a run that puts the target of run {@code runId} back to the snapshot it had before that run,
     * as a new commit. Needs the same role as deploying into that target.
     */
    public Run rollback(String team, String pipeline, String runId, String actor, Role role) {
        awaitRecovery();
        TeamConfig config = config(team);
        Pipeline p = pipeline(config, pipeline);
        Run original = runs.get(team, runId).filter(r -> r.pipeline().equals(pipeline)).orElseThrow(
                () -> new MetaNotFoundException("run " + runId + " does not exist in pipeline '" + pipeline + "'"));
        if (original.status() != RunStatus.SUCCEEDED) {
            throw new MetaInvalidException("run " + runId + " is " + original.status().json()
                    + ": only a run that succeeded can be rolled back");
        }
        if (original.targetBefore() == null) {
            throw new MetaInvalidException("run " + runId + " made the first commit of " + original.target()
                    + ": there is no earlier snapshot to go back to");
        }
        Stage into = p.stages().stream().filter(s -> original.target().equals(s.target())).findFirst()
                .orElseThrow(() -> new MetaInvalidException("pipeline '" + pipeline + "' no longer deploys into '"
                        + original.target() + "'"));
        checkRole(role, existingTarget(config, into), "roll back");
        Run run = Run.queued(team, pipeline, original.stage(), original.target(), original.target(), ROLLBACK, actor)
                .withRollbackOf(runId);
        return admit(p, run, "Rollback of run " + runId + " requested by " + actor);
    }

    @Override
    public void onMerged(Review review, String commit) {
        awaitRecovery();
        finishReviewed(review, RunStatus.SUCCEEDED, commit);
    }

    @Override
    public void onRejected(Review review) {
        awaitRecovery();
        finishReviewed(review, RunStatus.REJECTED, null);
    }

    /** Rebuilds the candidates of open pipeline reviews on a target whose main moved (off the caller's thread). */
    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        if (closed) {
            return;
        }
        pool.execute(() -> {
            awaitRecovery();
            for (Review review : reviews.list(team, ReviewState.OPEN)) {
                if (!review.target().equals(target) || review.runId() == null || newSha.equals(review.base())) {
                    continue;
                }
                runs.get(team, review.runId()).filter(r -> r.status() == RunStatus.AWAITING_APPROVAL).ifPresent(r -> {
                    try {
                        executor.refreshCandidate(r, review);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("cannot rebuild review {} of {}/{} on the new main", review.id(), team, target, e);
                    }
                });
            }
        });
    }

    /**
     * Stops starting runs and waits up to 10 s for the ones executing; runs still queued stay queued in the
     * store and resume at the next {@link #start}.
     */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        writer.shutdown();
        writer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Run admit(Pipeline p, Run run, String requested) {
        if (closed) {
            throw new IllegalStateException("the pipeline engine is stopping");
        }
        String key = run.team() + "/" + p.name();
        Run created;
        // one admission at a time per pipeline: forbid's check and the creation cannot interleave, and queue
        // order is creation (id) order
        synchronized (admission.computeIfAbsent(key, k -> new Object())) {
            Set<String> active = pending.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
            if (p.concurrency() == Concurrency.FORBID && !active.isEmpty()) {
                throw new MetaConflictException("pipeline '" + p.name() + "' has run " + active.iterator().next()
                        + " queued, running or awaiting approval, and its concurrency is forbid: try again when it ends");
            }
            created = runs.create(run.withLog(clock.instant(), requested));
            active.add(created.id());
            enqueue(key, p.concurrency(), created);
        }
        return created;
    }

    private void enqueue(String key, Concurrency concurrency, Run run) {
        Runnable task = () -> {
            if (!closed) {
                executor.execute(run);
            }
        };
        if (concurrency == Concurrency.ALLOW) {
            pool.execute(task);
        } else {
            serial.execute(key, task);
        }
    }

    private void release(Run r) {
        Set<String> active = pending.get(r.team() + "/" + r.pipeline());
        if (active != null) {
            active.remove(r.id());
        }
    }

    private void finishReviewed(Review review, RunStatus status, String commit) {
        if (review.runId() == null) {
            return;
        }
        Optional<Run> run = runs.get(review.team(), review.runId());
        if (run.isEmpty() || run.get().status().isTerminal()) {
            return;
        }
        release(run.get());
        runs.update(review.team(), review.runId(), cur -> {
            if (cur.status().isTerminal()) {
                return cur;
            }
            String who = String.join(", ", review.approvals().stream().map(Approval::user).toList());
            Run next = status == RunStatus.SUCCEEDED
                    ? cur.withCommits(cur.sourceCommit(), review.base(), commit)
                            .withLog(clock.instant(), "Review " + review.id() + " approved by " + who
                                    + "; main of " + cur.target() + " is now " + commit.substring(0, 7))
                    : cur.withLog(clock.instant(), "Review " + review.id() + " rejected"
                            + (review.comment() == null ? "" : ": " + review.comment()));
            return next.finished(status, clock.instant(), status == RunStatus.REJECTED
                    ? "review " + review.id() + " was rejected" : null);
        });
    }

    private void recover(Run r) throws IOException {
        String key = r.team() + "/" + r.pipeline();
        switch (r.status()) {
            case RUNNING, QUEUED -> {
                Optional<ObjectId> applied = promoter.findRunCommit(r.team(), r.target(), r.id(), RECOVERY_DEPTH);
                if (applied.isPresent()) {
                    String commit = applied.get().name();
                    runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() ? cur
                            : cur.withCommits(cur.sourceCommit(), cur.targetBefore(), commit)
                                    .finished(RunStatus.SUCCEEDED, clock.instant(), null)
                                    .withLog(clock.instant(), "Server stopped during the run; main of " + cur.target()
                                            + " had already moved to " + commit.substring(0, 7)));
                } else if (r.status() == RunStatus.RUNNING) {
                    runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() ? cur
                            : cur.finished(RunStatus.FAILED, clock.instant(), "server stopped during the run")
                                    .withLog(clock.instant(), "Server stopped during the run; main of " + cur.target()
                                            + " was left as it was"));
                } else {
                    Concurrency c = teams.team(r.team()).flatMap(cfg -> ConfigPipelineStore.read(cfg, r.pipeline()))
                            .map(Pipeline::concurrency).orElse(Concurrency.QUEUE);
                    pending.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(r.id());
                    enqueue(key, c, r);
                }
            }
            case AWAITING_APPROVAL -> {
                pending.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(r.id());
                Optional<Review> review = r.reviewId() == null ? Optional.empty() : reviews.get(r.team(), r.reviewId());
                if (review.isPresent() && review.get().state() == ReviewState.MERGED) {
                    finishReviewed(review.get(), RunStatus.SUCCEEDED, review.get().mergedCommit());
                } else if (review.isPresent() && review.get().state().isFinal()) {
                    finishReviewed(review.get(), RunStatus.REJECTED, null);
                }
            }
            default -> { }
        }
    }

    private void checkRole(Role role, Target target, String verb) {
        if (role == null) {
            return;
        }
        if (!role.atLeast(Role.MEMBER)) {
            throw new PipelineForbiddenException("viewers cannot run pipelines: to " + verb + " instance '"
                    + target.name() + "' you need the member role");
        }
        if (target.protectedMain() && !role.atLeast(Role.OWNER)) {
            throw new PipelineForbiddenException("instance '" + target.name() + "' is protected: only owners " + verb
                    + " it");
        }
    }

    private String promptedSnapshot(String team, Stage from, Optional<String> snapshotSha) {
        String sha = snapshotSha.filter(s -> !s.isBlank()).orElseThrow(() -> new MetaInvalidException("stage '"
                + from.name() + "' uses prompt_snapshot: name the snapshot to deploy ({\"snapshot\": \"COMMIT-SHA\"})"));
        if (!ObjectId.isId(sha)) {
            throw new MetaInvalidException("snapshot '" + sha + "' is not a full commit id (40 hex digits)");
        }
        try {
            if (!promoter.onMain(team, from.target(), ObjectId.fromString(sha))) {
                throw new MetaInvalidException("snapshot " + sha + " is not a commit on the main of instance '"
                        + from.target() + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read instance '" + from.target() + "'", e);
        }
        return sha;
    }

    private TeamConfig config(String team) {
        if (!Names.isValid(team)) {
            throw new MetaNotFoundException("team '" + team + "' does not exist");
        }
        return teams.team(team).orElseThrow(() -> new MetaNotFoundException("team '" + team + "' does not exist"));
    }

    private static Pipeline pipeline(TeamConfig config, String name) {
        return ConfigPipelineStore.read(config, name).orElseThrow(() -> new MetaNotFoundException(
                "pipeline '" + name + "' does not exist in team '" + config.name() + "'"));
    }

    private static Target existingTarget(TeamConfig config, Stage s) {
        Target t = config.targets().get(s.target());
        if (t == null) {
            throw new MetaInvalidException("stage '" + s.name() + "': " + s.kind().json() + " '" + s.target()
                    + "' does not exist in team " + config.name());
        }
        return t;
    }

    /** Whether the pipeline has a run queued, running or awaiting approval. */
    public boolean hasPending(String team, String pipeline) {
        Set<String> active = pending.get(team + "/" + pipeline);
        return active != null && !active.isEmpty();
    }

    /** One run of the team, for the API. */
    public Optional<Run> run(String team, String id) {
        return runs.get(team, id);
    }

    /** The runs of one pipeline, newest first, for the API. */
    public List<Run> runs(String team, String pipeline, int limit, String afterId) {
        return runs.list(team, pipeline, limit, afterId);
    }
}
