package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.devices.DeviceReportListener;
import dev.flowstage.hooks.devices.DeviceState;
import dev.flowstage.hooks.devices.DeviceStatus;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.run.RolloutProgress;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.share.DeviceMains;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged rollouts of group deploys (SPEC §6): once a run has written the group's main, its member devices
 * (sorted by name) are moved in waves of cumulative percentages. A wave is done when each of its devices has
 * reported {@code running} on the commit; a device reporting {@code error} on it fails at once, and one that
 * has not reported running {@code waitForRunning} seconds after the wave started (offline ones included)
 * fails then. When a wave's failed share passes {@code abortOnFailurePercent}, the rollout stops: the wave's
 * devices are put back to the commits they had and the run fails. Otherwise the next wave starts, and after
 * the last the run succeeds.
 *
 * <p>No thread waits: reports arrive through {@link DeviceReportListener} and each wave's timeout is a
 * scheduled task; all of a rollout's decisions are taken on one scheduler thread, so they never race. The
 * progress is stored with the run (at each wave and at most once a second in between), so a restarted
 * server resumes the wave where it was, its timeout counted from the stored wave start.
 */
final class Rollouts implements DeviceReportListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);
    /** Device names in a log line up to this many; counts only beyond. */
    static final int NAMES_IN_LOG = 10;
    private static final long PROGRESS_EVERY_MS = 1000;

    private final TeamStore teams;
    private final RunStore runs;
    private final Fleet fleet;
    private final DeviceStatusStore statuses;
    private final Clock clock;
    private final Duration offlineAfter;
    private final Consumer<Run> onEnd;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;
    private final Map<String, Active> byRun = new ConcurrentHashMap<>();
    private final Map<String, Active> byDevice = new ConcurrentHashMap<>();

    /** One rollout going on; touched on the scheduler thread only (but the report filter reads {@code wave}). */
    private static final class Active {
        final String team;
        final String runId;
        final String group;
        final String actor;
        /** The run as the rollout began or resumed it: what {@code onEnd} is told. */
        final Run run;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        RolloutProgress progress;
        volatile Set<String> wave = Set.of();
        final Set<String> ok = new LinkedHashSet<>();
        final Set<String> errors = new LinkedHashSet<>();
        final Set<String> timedOut = new LinkedHashSet<>();
        int okBefore;
        int failedBefore;
        ScheduledFuture<?> timeout;
        ScheduledFuture<?> progressWrite;

        Active(Run r, RolloutProgress progress) {
            this.team = r.team();
            this.runId = r.id();
            this.group = r.target();
            this.actor = r.actor();
            this.run = r;
            this.progress = progress;
        }

        int failedNow() {
            return errors.size() + timedOut.size();
        }

        /** Stops hearing the reports of the current wave's devices. */
        void byDeviceClear(Map<String, Active> index) {
            for (String d : wave) {
                index.remove(key(team, d), this);
            }
        }
    }

    /** {@code onEnd} is told of a rollout's run ending just before it is stored as ended. */
    Rollouts(TeamStore teams, RunStore runs, Fleet fleet, DeviceStatusStore statuses, Clock clock,
            Duration offlineAfter, Consumer<Run> onEnd) {
        this.teams = teams;
        this.runs = runs;
        this.fleet = fleet;
        this.statuses = statuses;
        this.clock = clock;
        this.offlineAfter = offlineAfter;
        this.onEnd = onEnd;
        ScheduledThreadPoolExecutor one = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "flowstage-rollouts");
            t.setDaemon(true);
            return t;
        });
        // at a stop, waiting timeouts and progress writes are dropped: the stored rollout resumes at the next start
        one.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        one.setRemoveOnCancelPolicy(true);
        this.scheduler = one;
        statuses.addListener(this);
    }

    /** The rollout of the stage run {@code r} deploys into, when that is a group stage with one (not for rollbacks). */
    Optional<Rollout> plan(Run r) {
        if (r.rollbackOf() != null) {
            return Optional.empty();
        }
        return teams.team(r.team()).flatMap(c -> ConfigPipelineStore.read(c, r.pipeline()))
                .flatMap(p -> p.stages().stream().filter(s -> s.kind() == StageKind.GROUP
                        && r.target().equals(s.target())).findFirst())
                .map(Stage::rollout);
    }

    /**
     * Starts rolling {@code commit} (already the group's main) out to the group's devices: stores the run,
     * still running, with the plan and the devices in wave order, and returns it; the waves follow on the
     * scheduler.
     */
    Run begin(Run r, ObjectId commit, Rollout plan) {
        TeamConfig config = teams.team(r.team()).orElseThrow(() -> new IllegalStateException(
                "team '" + r.team() + "' no longer exists"));
        List<String> members = config.targets().values().stream()
                .filter(t -> t.kind() == TargetKind.DEVICE && r.target().equals(t.group()))
                .map(Target::name).sorted().toList();
        RolloutProgress progress = RolloutProgress.begin(plan.waves(), plan.waitForRunning(),
                plan.abortOnFailurePercent(), commit.name(), members);
        String waves = plan.waves().stream().map(w -> w + "%").collect(Collectors.joining(", "));
        Run stored = runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() ? cur
                : r.withRollout(progress).withLog(clock.instant(), "Rollout of " + commit.abbreviate(7).name()
                        + " to " + members.size() + " device(s) of group " + r.target() + " in waves of " + waves
                        + "; each wave waits up to " + plan.waitForRunning() + " s for running, and stops past "
                        + plan.abortOnFailurePercent() + "% failed"));
        if (stored.status().isTerminal()) {
            return stored;
        }
        Active a = new Active(stored, progress);
        byRun.put(key(a.team, a.runId), a);
        scheduler.execute(() -> guarded(a, () -> {
            supersedeOthers(a);
            nextWave(a);
        }));
        return stored;
    }

    /** Resumes the stored rollout of {@code r} after a restart: the current wave, timed from its stored start. */
    void resume(Run r) {
        RolloutProgress p = r.rollout();
        Active a = new Active(r, p);
        byRun.put(key(a.team, a.runId), a);
        scheduler.execute(() -> guarded(a, () -> {
            supersedeOthers(a);
            if (p.wave() == 0) {
                nextWave(a);
                return;
            }
            List<String> earlier = p.devices().subList(0, p.covered(p.wave() - 1));
            a.okBefore = (int) earlier.stream().filter(d -> runningOn(a, d)).count();
            a.failedBefore = earlier.size() - a.okBefore;
            // devices deleted or moved out of the group while the server was down are no longer waited for
            Set<String> members = teams.team(a.team).map(c -> c.targets().values().stream()
                    .filter(t -> t.kind() == TargetKind.DEVICE && a.group.equals(t.group())).map(Target::name)
                    .collect(Collectors.toSet())).orElse(Set.of());
            Set<String> wave = new LinkedHashSet<>(p.waveDevices(p.wave()));
            wave.retainAll(members);
            watchWave(a, wave, p.waveStartedAt(),
                    "Server restarted during the rollout: resuming wave " + p.wave() + " of " + p.waves().size());
        }));
    }

    /**
     * Another rollout into the same group still going on (two pipelines deploying one group, or a pipeline
     * whose concurrency is {@code allow}) stops where it is: the group's main is now {@code a}'s commit, and
     * {@code a}'s waves move the devices on to it. Its run ends as cancelled; the devices it moved are not put
     * back. Resumed at start-up oldest first, the newest rollout of a group is the one that goes on.
     */
    private void supersedeOthers(Active a) {
        String to = a.progress.commit().substring(0, 7);
        cancelIn(a.team, a.group, a, "superseded by run " + a.runId + ", which rolls " + to + " out to group "
                + a.group, "Rollout superseded by run " + a.runId + " (rolling " + to + " out to group " + a.group + ")",
                "run " + a.runId + "'s waves move them on");
    }

    /**
     * Before a run without rollout (a deploy, or a rollback) moves every device of its group to {@code commit}
     * at once: the rollouts into that group going on stop, cancelled, as when a newer rollout supersedes them
     * (their devices are not put back: the fan-out moves them all). Returns once they have stopped.
     */
    void supersedeBy(Run r, ObjectId commit) {
        boolean any = byRun.values().stream().anyMatch(o -> o.team.equals(r.team()) && o.group.equals(r.target()));
        if (!any) {
            return;
        }
        String to = commit.abbreviate(7).name();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    cancelIn(r.team(), r.target(), null, "superseded by run " + r.id() + ", which moves every device"
                            + " of group " + r.target() + " to " + to, "Rollout superseded by run " + r.id()
                            + " (moving every device of group " + r.target() + " to " + to + ")",
                            "run " + r.id() + " moves them all");
                } finally {
                    stopped.complete(null);
                }
            });
        } catch (RejectedExecutionException stopping) {
            return; // the server is stopping: the rollout's state stays stored, as it was
        }
        stopped.join();
    }

    /** Ends the rollouts going on into {@code group}, but {@code except}, as cancelled. */
    private void cancelIn(String team, String group, Active except, String why, String what, String devicesThen) {
        for (Active other : List.copyOf(byRun.values())) {
            if (other == except || other.done.isDone() || !other.team.equals(team) || !other.group.equals(group)) {
                continue;
            }
            RolloutProgress p = other.progress;
            String reason = why + ": this rollout's waves stopped";
            int moved = p.wave() == 0 ? 0 : p.covered(p.wave());
            String line = what + " at wave " + p.wave() + " of " + p.waves().size() + ": the " + moved
                    + " device(s) of its waves so far are not put back, " + devicesThen + "; "
                    + (p.devices().size() - moved) + " device(s) of later waves were not moved";
            guarded(other, () -> end(other, RunStatus.CANCELLED, reason, line, p.putBack()));
        }
    }

    /** Completes when the rollout of run {@code r} has ended (at once when it has none going on). */
    CompletionStage<Void> completion(Run r) {
        Active a = r == null || r.id() == null ? null : byRun.get(key(r.team(), r.id()));
        return a == null ? CompletableFuture.completedFuture(null) : a.done;
    }

    /**
     * After a rollback of a rollout run put the group's main back and every member followed it: the devices
     * the rollout moved go back to the commit each had before, where that differs. Returns the run's log line
     * (null when there is nothing to add).
     */
    String putBackAfterRollback(Run rollback, Run original, ObjectId restored) throws IOException {
        if (original.rollout() == null) {
            return null;
        }
        Map<String, ObjectId> back = new LinkedHashMap<>();
        original.rollout().previous().forEach((d, sha) -> {
            if (sha != null && !sha.equals(restored.name())) {
                back.put(d, ObjectId.fromString(sha));
            }
        });
        if (back.isEmpty()) {
            return null;
        }
        DeviceMains.Moved moved = fleet.move(rollback.team(), rollback.target(), back, rollback.actor(),
                "rollback of rollout run " + original.id());
        return moved.previous().size() + " device(s) the rollout of run " + original.id()
                + " had moved went back to the commit each had before it";
    }

    @Override
    public void onReport(String team, String device, DeviceStatus status) {
        Active a = byDevice.get(key(team, device));
        if (a != null) {
            try {
                scheduler.execute(() -> guarded(a, () -> report(a, device, status)));
            } catch (RejectedExecutionException stopping) {
                // the server is stopping: the rollout resumes from the stored reports at the next start
            }
        }
    }

    private void report(Active a, String device, DeviceStatus s) {
        if (a.done.isDone() || !a.wave.contains(device) || !a.progress.commit().equals(s.commit())) {
            return;
        }
        if (s.state() == DeviceState.RUNNING && !a.errors.contains(device)) {
            a.ok.add(device);
            a.timedOut.remove(device);
        } else if (s.state() == DeviceState.ERROR) {
            a.ok.remove(device);
            a.errors.add(device);
        }
        decide(a);
    }

    /** Moves the next wave that has devices, or ends the rollout as succeeded after the last. */
    private void nextWave(Active a) throws IOException {
        RolloutProgress p = a.progress;
        int next = p.wave() + 1;
        while (next <= p.waves().size() && p.waveDevices(next).isEmpty()) {
            next++;
        }
        a.okBefore += a.ok.size();
        a.failedBefore += a.failedNow();
        a.ok.clear();
        a.errors.clear();
        a.timedOut.clear();
        if (next > p.waves().size()) {
            succeed(a);
            return;
        }
        List<String> devices = p.waveDevices(next);
        ObjectId commit = ObjectId.fromString(p.commit());
        Map<String, ObjectId> targets = new LinkedHashMap<>();
        devices.forEach(d -> targets.put(d, commit));
        DeviceMains.Moved moved = fleet.move(a.team, a.group, targets, a.actor, "rollout run " + a.runId + " wave "
                + next);
        Map<String, String> previous = new LinkedHashMap<>();
        moved.previous().forEach((d, old) -> previous.put(d, old == null ? null : old.name()));
        Instant start = clock.instant();
        a.progress = p.atWave(next, start, previous);
        Set<String> wave = new LinkedHashSet<>(devices);
        wave.removeAll(moved.skipped());
        StringBuilder line = new StringBuilder("Wave ").append(next).append(" of ").append(p.waves().size())
                .append(" (").append(p.waves().get(next - 1)).append("%): ").append(moved.previous().size())
                .append(" device(s) moved to ").append(p.commit(), 0, 7);
        if (!moved.unchanged().isEmpty()) {
            line.append(", ").append(moved.unchanged().size()).append(" already there");
        }
        if (!moved.skipped().isEmpty()) {
            line.append(", ").append(moved.skipped().size()).append(" skipped (left the group or no repository)");
        }
        watchWave(a, wave, start, line.append("; waiting for running").toString());
    }

    /**
     * Watches {@code wave} from {@code start}: counts the reports since then, stores the progress with
     * {@code line}, arms the timeout and decides.
     */
    private void watchWave(Active a, Set<String> wave, Instant start, String line) {
        a.byDeviceClear(byDevice);
        a.ok.clear();
        a.errors.clear();
        a.timedOut.clear();
        a.wave = Set.copyOf(wave);
        for (String d : wave) {
            byDevice.put(key(a.team, d), a);
        }
        for (String d : wave) {
            Optional<DeviceStatus> s = statuses.status(a.team, d);
            if (s.isEmpty() || !a.progress.commit().equals(s.get().commit())) {
                continue;
            }
            if (s.get().state() == DeviceState.RUNNING) {
                a.ok.add(d);
            } else if (s.get().state() == DeviceState.ERROR && !s.get().lastSeen().isBefore(start)) {
                a.errors.add(d);
            }
        }
        int waveNo = a.progress.wave();
        long ms = Math.max(0, Duration.between(clock.instant(), start.plusSeconds(a.progress.waitForRunning()))
                .toMillis());
        if (a.timeout != null) {
            a.timeout.cancel(false);
        }
        a.timeout = scheduler.schedule(() -> guarded(a, () -> timeout(a, waveNo)), ms, TimeUnit.MILLISECONDS);
        storeProgress(a, line);
        decide(a);
    }

    private void timeout(Active a, int waveNo) throws IOException {
        if (a.done.isDone() || a.progress.wave() != waveNo) {
            return;
        }
        for (String d : a.wave) {
            if (!a.ok.contains(d) && !a.errors.contains(d)) {
                a.timedOut.add(d);
            }
        }
        decide(a);
    }

    /** Stops past the threshold, moves on when every device of the wave is settled, else stores progress. */
    private void decide(Active a) {
        int size = a.wave.size();
        int failed = a.failedNow();
        try {
            if ((long) failed * 100 > (long) a.progress.abortOnFailurePercent() * size) {
                stop(a);
            } else if (a.ok.size() + failed >= size) {
                if (a.timeout != null) {
                    a.timeout.cancel(false);
                }
                if (failed > 0) {
                    log(a, "Wave " + a.progress.wave() + ": " + failed + " of " + size + " device(s) failed ("
                            + names(failedDevices(a)) + "), within the " + a.progress.abortOnFailurePercent()
                            + "% allowed: going on");
                }
                nextWave(a);
            } else if (a.progressWrite == null || a.progressWrite.isDone()) {
                a.progressWrite = scheduler.schedule(() -> guarded(a, () -> {
                    if (!a.done.isDone()) {
                        storeProgress(a, null);
                    }
                }), PROGRESS_EVERY_MS, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The wave failed: its devices go back to the commits they had, and the run fails. */
    private void stop(Active a) throws IOException {
        RolloutProgress p = a.progress;
        Map<String, ObjectId> back = new LinkedHashMap<>();
        int noEarlier = 0;
        for (String d : a.wave) {
            if (!p.previous().containsKey(d)) {
                continue; // it was already on the commit: nothing to go back to
            }
            String old = p.previous().get(d);
            if (old == null) {
                noEarlier++;
            } else {
                back.put(d, ObjectId.fromString(old));
            }
        }
        DeviceMains.Moved moved = back.isEmpty() ? null
                : fleet.move(a.team, a.group, back, a.actor, "rollout run " + a.runId + " wave " + p.wave()
                        + " put back");
        int putBack = moved == null ? 0 : moved.previous().size() + moved.unchanged().size();
        List<String> failed = failedDevices(a);
        String reason = "rollout stopped at wave " + p.wave() + " of " + p.waves().size() + ": " + failed.size()
                + " of " + a.wave.size() + " device(s) failed, over the " + p.abortOnFailurePercent() + "% allowed";
        StringBuilder line = new StringBuilder("Wave ").append(p.wave()).append(" of ").append(p.waves().size())
                .append(" failed: ").append(failed.size()).append(" of ").append(a.wave.size()).append(" device(s) ")
                .append(describeFailures(a)).append("; the wave's ").append(putBack)
                .append(" device(s) were put back to their previous commit");
        if (noEarlier > 0) {
            line.append(" (").append(noEarlier).append(" had no earlier commit and stay)");
        }
        int later = p.devices().size() - p.covered(p.wave());
        if (later > 0) {
            line.append("; ").append(later).append(" device(s) of later waves were not moved");
        }
        a.ok.clear();
        end(a, RunStatus.FAILED, reason, line.toString(), putBack);
    }

    private void succeed(Active a) {
        RolloutProgress p = a.progress;
        String line = "Rollout done: " + a.okBefore + " of " + p.devices().size() + " device(s) running "
                + p.commit().substring(0, 7) + (a.failedBefore > 0 ? ", " + a.failedBefore + " failed" : "");
        end(a, RunStatus.SUCCEEDED, null, line, p.putBack());
    }

    private void end(Active a, RunStatus status, String reason, String line, int putBack) {
        if (a.timeout != null) {
            a.timeout.cancel(false);
        }
        if (a.progressWrite != null) {
            a.progressWrite.cancel(false);
        }
        a.progress = counts(a).withCounts(a.okBefore + a.ok.size(), 0, a.failedBefore + a.failedNow(),
                0, putBack);
        RolloutProgress last = a.progress;
        Instant now = clock.instant();
        // as a run that ends without a rollout: forbid admits the next deploy as soon as the end can be read
        onEnd.accept(a.run);
        runs.update(a.team, a.runId, cur -> {
            if (cur.status().isTerminal()) {
                return cur;
            }
            Run next = cur.withRollout(last).withLog(now, line);
            return status == RunStatus.FAILED ? next.finished(status, now, reason).withLog(now, "Failed: " + reason)
                    : next.finished(status, now, reason);
        });
        release(a);
    }

    private void release(Active a) {
        a.byDeviceClear(byDevice);
        a.wave = Set.of();
        byRun.remove(key(a.team, a.runId));
        a.done.complete(null);
    }

    private void storeProgress(Active a, String line) {
        a.progress = counts(a);
        RolloutProgress p = a.progress;
        Instant now = clock.instant();
        runs.update(a.team, a.runId, cur -> {
            if (cur.status().isTerminal()) {
                return cur;
            }
            Run next = cur.withRollout(p);
            return line == null ? next : next.withLog(now, line);
        });
    }

    private void log(Active a, String line) {
        storeProgress(a, line);
    }

    private RolloutProgress counts(Active a) {
        int pending = 0;
        int offline = 0;
        Instant cutoff = clock.instant().minus(offlineAfter);
        for (String d : a.wave) {
            if (a.ok.contains(d) || a.errors.contains(d) || a.timedOut.contains(d)) {
                continue;
            }
            pending++;
            Optional<DeviceStatus> s = statuses.status(a.team, d);
            if (s.isEmpty() || s.get().lastSeen().isBefore(cutoff)) {
                offline++;
            }
        }
        return a.progress.withCounts(a.okBefore + a.ok.size(), pending, a.failedBefore + a.failedNow(), offline,
                a.progress.putBack());
    }

    private boolean runningOn(Active a, String device) {
        return statuses.status(a.team, device).filter(s -> s.state() == DeviceState.RUNNING
                && a.progress.commit().equals(s.commit())).isPresent();
    }

    private static List<String> failedDevices(Active a) {
        List<String> all = new ArrayList<>(a.errors);
        all.addAll(a.timedOut);
        return all;
    }

    private static String describeFailures(Active a) {
        List<String> parts = new ArrayList<>();
        if (!a.errors.isEmpty()) {
            parts.add(a.errors.size() + " reported error");
        }
        if (!a.timedOut.isEmpty()) {
            parts.add(a.timedOut.size() + " did not report running within " + a.progress.waitForRunning() + " s");
        }
        return "failed (" + String.join(", ", parts) + "): " + names(failedDevices(a));
    }

    /** Up to {@link #NAMES_IN_LOG} names, else a count. */
    static String names(List<String> devices) {
        if (devices.size() <= NAMES_IN_LOG) {
            return String.join(", ", devices);
        }
        return String.join(", ", devices.subList(0, NAMES_IN_LOG)) + " and " + (devices.size() - NAMES_IN_LOG)
                + " more";
    }

    /** Runs a step of rollout {@code a}; a failure ends the run as failed with the reason. */
    private void guarded(Active a, ThrowingStep step) {
        if (a.done.isDone() || closed) {
            return;
        }
        try {
            step.run();
        } catch (RejectedExecutionException stopping) {
            // the server is stopping: the rollout stays running in the store and resumes at the next start
            LOG.info("server stopping during the rollout of run {} of team {}: it resumes at the next start", a.runId,
                    a.team);
        } catch (IOException | RuntimeException e) {
            LOG.error("rollout of run {} of team {} failed", a.runId, a.team, e);
            try {
                end(a, RunStatus.FAILED, "the rollout stopped at wave " + a.progress.wave() + " on an internal error ("
                        + e.getClass().getSimpleName() + "); see the server log", "Rollout stopped on an error",
                        a.progress.putBack());
            } catch (RuntimeException again) {
                LOG.error("cannot store the failure of the rollout of run {} of team {}", a.runId, a.team, again);
                onEnd.accept(a.run);
                release(a);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingStep {
        void run() throws IOException;
    }

    /** Stops deciding; rollouts going on stay running in the store and resume at the next start. */
    @Override
    public void close() throws InterruptedException {
        // the step deciding now finishes (no interrupt in the middle of a ref or run write); no later step runs
        closed = true;
        scheduler.shutdown();
        if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
            scheduler.shutdownNow();
        }
    }

    private static String key(String team, String name) {
        return team + "/" + name;
    }
}
