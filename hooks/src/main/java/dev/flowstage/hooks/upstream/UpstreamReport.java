package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.deps.DependencyPlan;
import dev.flowstage.hooks.deps.DependencyPlanner;
import dev.flowstage.hooks.nodered.MainBranch;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The status a user reads: the stored status, with live schedule times, the instance's own {@code main}
 * commit, how many commits it is ahead (local commits since the last applied remote revision) and behind
 * (remote commits not applied yet), and the dependency plan of what {@code main} holds.
 */
public final class UpstreamReport {
    /** Commits counted at most, so a status read stays cheap. */
    static final int COUNT_LIMIT = 1000;

    /** One status as shown. {@code ahead}/{@code behind} are null when not known. */
    public record View(UpstreamConfig config, UpstreamState state, String error, UpstreamStatus.RemoteCommit local,
                       UpstreamStatus.RemoteCommit remote, Integer ahead, Integer behind, String lastAttempted,
                       String lastApplied, Long review, Instant lastSyncAt, Instant nextSyncAt, int failures,
                       DependencyPlan dependencies) {}

    private final UpstreamSync sync;
    private final UpstreamScheduler scheduler;
    private final RepoStore repos;
    private final UpstreamRemotes remotes;
    private final UpstreamEndpoints endpoints;
    private final DependencyPlanner planner;

    public UpstreamReport(UpstreamSync sync, UpstreamScheduler scheduler, RepoStore repos, UpstreamRemotes remotes,
                          UpstreamEndpoints endpoints, DependencyPlanner planner) {
        this.sync = Objects.requireNonNull(sync);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.repos = Objects.requireNonNull(repos);
        this.remotes = Objects.requireNonNull(remotes);
        this.endpoints = Objects.requireNonNull(endpoints);
        this.planner = Objects.requireNonNull(planner);
    }

    public View view(String team, UpstreamConfig c) throws IOException {
        UpstreamStatus st = sync.status(team, c.instance());
        UpstreamScheduler.Live live = scheduler.live(team, c.instance());
        UpstreamState state = live.running() ? UpstreamState.SYNCING
                : !c.active() && st.state() != UpstreamState.ERROR ? UpstreamState.PAUSED : st.state();
        UpstreamStatus.RemoteCommit local = null;
        Integer ahead = null;
        DependencyPlan plan;
        try (Repository repo = repos.open(new RepoName(team, c.instance()))) {
            ObjectId main = MainBranch.head(repo);
            Snapshot snapshot = main == null ? Snapshot.EMPTY : SnapshotReader.read(repo, main);
            plan = planner.plan(snapshot);
            if (main != null) {
                try (RevWalk w = new RevWalk(repo)) {
                    RevCommit m = w.parseCommit(main);
                    local = new UpstreamStatus.RemoteCommit(m.name(), m.getAuthorIdent().getName(),
                            m.getAuthorIdent().getWhenAsInstant(), m.getShortMessage());
                    ahead = st.appliedAs() == null ? null : count(repo, main, ObjectId.fromString(st.appliedAs()));
                }
            }
        }
        Integer behind = 0;
        if (st.lastAttempted() != null && !st.lastAttempted().equals(st.lastApplied())) {
            behind = null;
            java.util.Optional<Repository> found;
            try {
                found = remotes.mirror(team, endpoints.of(team, c));
            } catch (dev.flowstage.hooks.remote.RemoteFailure unusable) {
                found = java.util.Optional.empty(); // the status's error says why
            }
            if (found.isPresent()) {
                Repository mirror = found.get();
                ObjectId head = ObjectId.fromString(st.lastAttempted());
                if (mirror.getObjectDatabase().has(head)) {
                    behind = st.lastApplied() == null ? count(mirror, head, null)
                            : count(mirror, head, ObjectId.fromString(st.lastApplied()));
                }
            }
        }
        Instant last = live.lastSyncAt() != null ? live.lastSyncAt() : st.lastSyncAt();
        Instant next = !c.active() ? null : live.nextSyncAt() != null ? live.nextSyncAt() : st.nextSyncAt();
        return new View(c, state, state == UpstreamState.ERROR ? st.error() : null, local, st.remote(), ahead, behind,
                st.lastAttempted(), st.lastApplied(), st.pendingReview(), last, next, st.failures(), plan);
    }

    private static Integer count(Repository repo, ObjectId from, ObjectId until) throws IOException {
        try (RevWalk w = new RevWalk(repo)) {
            w.markStart(w.parseCommit(from));
            if (until != null && repo.getObjectDatabase().has(until)) {
                w.markUninteresting(w.parseCommit(until));
            }
            int n = 0;
            for (RevCommit ignored : w) {
                if (++n >= COUNT_LIMIT) {
                    break;
                }
            }
            return n;
        }
    }
}
