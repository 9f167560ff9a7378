package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.events.EventPublisher;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.nodered.MainBranch;
import dev.flowstage.hooks.remote.RemoteEndpoint;
import dev.flowstage.hooks.remote.RemoteFailure;
import dev.flowstage.hooks.remote.RemoteSnapshotReader;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of one instance: one ref advertisement (shared with the other followers of the remote, see
 * {@link UpstreamRemotes}); when the remote head is not the revision last applied, fetch it into the remote's
 * mirror (unless another follower's sync already did), read its snapshot, and make it the instance's next {@code main}
 * commit (which deploys it), or a review when the instance is protected. Every state change is stored on
 * {@link UpstreamStatusLog#REF} and published as an {@code upstream} event.
 */
public final class UpstreamSync {
    static final String ACTOR = "upstream";
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSync.class);

    /** What one sync needs besides the configuration. */
    public record Services(TeamStore teams, UpstreamStore store, UpstreamStatusLog log, UpstreamEndpoints endpoints,
                           UpstreamRemotes remotes, RepoStore repos, ReviewStore reviews,
                           MainMovedListener mainMoved, EventPublisher events, SecretBox box, Clock clock) {}

    private final Services s;

    public UpstreamSync(Services services) {
        this.s = services;
    }

    /** The status stored for the instance (paused, before its first sync). */
    public UpstreamStatus status(String team, String instance) {
        return s.log().read(team, instance).orElse(UpstreamStatus.initial());
    }

    /** Syncs once, with a ref advertisement made now; see {@link #run(String, String, Instant)}. */
    public UpstreamStatus run(String team, String instance) {
        return run(team, instance, s.clock().instant());
    }

    /**
     * Syncs once and returns the status after it; a failure is the status's error, never an exception.
     * @param notBefore the oldest start of a ref advertisement of the remote this sync may take as the remote's
     *     state: a scheduled sync accepts one a few seconds old that another follower of the remote asked for;
     *     a sync asked for by a push webhook or a user only one that started after they asked
     */
    public UpstreamStatus run(String team, String instance, Instant notBefore) {
        Optional<UpstreamConfig> config = s.store().get(team, instance);
        UpstreamStatus before = status(team, instance);
        if (config.isEmpty()) {
            return before;
        }
        UpstreamStatus after;
        Attempt attempt = new Attempt();
        try {
            after = sync(team, config.get(), before, attempt, notBefore).withState(null, null);
            after = settle(after);
            after = new UpstreamStatus(after.state(), null, after.lastAttempted(), after.lastApplied(), after.appliedAs(),
                    after.pendingReview(), after.pendingRemote(), after.remote(), after.lastSyncAt(), after.nextSyncAt(), 0);
        } catch (RemoteFailure f) {
            after = before.attempted(attempt.remote != null ? attempt.remote : before.lastAttempted(), s.clock().instant())
                    .withState(UpstreamState.ERROR, f.getMessage())
                    .scheduled(before.nextSyncAt(), before.failures() + 1);
        } catch (RuntimeException | IOException e) {
            LOG.warn("upstream sync of {}/{} failed", team, instance, e);
            after = before.withState(UpstreamState.ERROR, "failed: " + e.getMessage())
                    .scheduled(before.nextSyncAt(), before.failures() + 1);
        }
        if (!config.get().active()) {
            // a sync-now while paused does its work but leaves the instance paused
            after = after.state() == UpstreamState.ERROR ? after : after.withState(UpstreamState.PAUSED, null);
        }
        record(team, instance, before, after);
        if (attempt.announced && before.state() == after.state()) {
            publish(team, instance, after); // back from the 'syncing' announced on the way
        }
        return after;
    }

    /** What a sync got to, for the status when it fails: the remote head it saw, whether it announced 'syncing'. */
    private static final class Attempt {
        String remote;
        boolean announced;
    }

    /** Records a pause or a resume (state paused, or the state the stored revisions imply). */
    public UpstreamStatus paused(String team, String instance, boolean paused) {
        UpstreamStatus before = status(team, instance);
        UpstreamStatus after = paused ? before.withState(UpstreamState.PAUSED, null)
                : settle(before.withState(null, null));
        record(team, instance, before, after);
        return after;
    }

    /** Stores the status when it changed, and publishes its state when that changed. */
    void record(String team, String instance, UpstreamStatus before, UpstreamStatus after) {
        boolean changed = !sameExceptTimes(before, after);
        if (changed) {
            s.log().write(team, instance, after);
        }
        if (before.state() != after.state() || (after.state() == UpstreamState.ERROR && !eq(before.error(), after.error()))) {
            publish(team, instance, after);
        }
    }

    private UpstreamStatus sync(String team, UpstreamConfig c, UpstreamStatus st, Attempt attempt, Instant notBefore)
            throws RemoteFailure, IOException {
        RemoteEndpoint e = s.endpoints().of(team, c);
        ObjectId head = s.remotes().head(team, e, c.branch(), notBefore);
        String sha = head.name();
        attempt.remote = sha;
        st = st.attempted(sha, s.clock().instant());
        if (st.pendingReview() != null) {
            Optional<Review> r = s.reviews().get(team, st.pendingReview());
            ReviewState rs = r.map(Review::state).orElse(ReviewState.ABANDONED);
            if (rs == ReviewState.MERGED) {
                st = st.applied(st.pendingRemote(), r.get().mergedCommit());
            } else if (rs.isFinal()) {
                if (sha.equals(st.pendingRemote())) {
                    throw new RemoteFailure(RemoteFailure.Reason.FAILED, "review " + st.pendingReview() + " of remote"
                            + " revision " + sha.substring(0, 7) + " was " + rs.json() + "; the next remote change opens a new one");
                }
                st = st.applied(st.lastApplied(), st.appliedAs());
            } else if (sha.equals(st.pendingRemote())) {
                return st;
            }
        }
        if (sha.equals(st.lastApplied())) {
            return st;
        }
        publish(team, c.instance(), st.withState(UpstreamState.SYNCING, null));
        attempt.announced = true;
        UpstreamRemotes.Fetched got = s.remotes().fetch(team, e, c.branch(), head);
        Repository mirror = got.mirror();
        try (Repository repo = s.repos().open(new RepoName(team, c.instance()))) {
            ObjectId fetched = got.commit();
            RevCommit remote;
            try (RevWalk w = new RevWalk(mirror)) {
                remote = w.parseCommit(fetched);
            }
            st = st.attempted(fetched.name(), s.clock().instant()).withRemote(new UpstreamStatus.RemoteCommit(fetched.name(),
                    remote.getAuthorIdent().getName(), remote.getAuthorIdent().getWhenAsInstant(), remote.getShortMessage()));
            TeamConfig team0 = s.teams().team(team).orElseThrow(() -> new RemoteFailure(RemoteFailure.Reason.CONFIGURATION,
                    "team '" + team + "' no longer exists"));
            Target target = team0.targets().get(c.instance());
            String secret = target == null || target.sealedCredentialSecret() == null ? null
                    : s.box().open(target.sealedCredentialSecret());
            ObjectId main = MainBranch.head(repo);
            Snapshot current = main == null ? Snapshot.EMPTY : SnapshotReader.read(repo, main);
            Snapshot next = RemoteSnapshotReader.read(mirror, fetched, c.path(), current, c.instance(), secret);
            if (next.equals(current) && main != null) {
                return st.applied(fetched.name(), main.name());
            }
            PersonIdent author = new PersonIdent(remote.getAuthorIdent(), s.clock().instant(), ZoneOffset.UTC);
            PersonIdent committer = new PersonIdent("Flowstage upstream", "upstream@flowstage", s.clock().instant(),
                    ZoneOffset.UTC);
            String message = "Sync from " + e.displayUrl() + " " + c.branch() + "@" + fetched.name().substring(0, 7) + "\n\n"
                    + remote.getShortMessage() + "\n\nFlowstage-Source: " + e.displayUrl() + "@" + fetched.name()
                    + "\nFlowstage-Actor: " + ACTOR + "\n";
            if (target != null && target.protectedMain()) {
                ObjectId candidate = SnapshotWriter.commit(repo, next, main == null ? List.of() : List.of(main), author,
                        committer, message);
                Review review = s.reviews().open(team, c.instance(), candidate.name(), main == null ? null : main.name(),
                        ACTOR, "Sync " + c.instance() + " from " + e.displayUrl() + "@" + fetched.name().substring(0, 7),
                        1, null);
                return st.pending(review.id(), fetched.name());
            }
            ObjectId moved;
            try {
                moved = MainBranch.commit(repo, main, next, author, message);
            } catch (MetaConflictException raced) {
                throw new RemoteFailure(RemoteFailure.Reason.FAILED, "main moved during the sync; the next sync retries");
            }
            s.mainMoved().onMainMoved(team, c.instance(), main == null ? null : main.name(), moved.name(), ACTOR);
            return st.applied(fetched.name(), moved.name());
        }
    }

    /**
     * The state the revisions imply: behind while a remote revision waits (a review, or none applied yet,
     * as before the first sync), else in sync.
     */
    private static UpstreamStatus settle(UpstreamStatus st) {
        boolean waiting = st.pendingReview() != null || st.lastApplied() == null
                || (st.lastAttempted() != null && !st.lastAttempted().equals(st.lastApplied()));
        return st.withState(waiting ? UpstreamState.BEHIND : UpstreamState.IN_SYNC, null);
    }

    private void publish(String team, String instance, UpstreamStatus st) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", st.state().json());
        if (st.lastAttempted() != null) {
            data.put("commit", st.lastAttempted());
        }
        if (st.error() != null) {
            data.put("error", st.error());
        }
        s.events().publish(new FlowstageEvent(FlowstageEvent.UPSTREAM, team, instance, s.clock().instant(), data));
    }

    private static boolean sameExceptTimes(UpstreamStatus a, UpstreamStatus b) {
        return a.state() == b.state() && eq(a.error(), b.error()) && eq(a.lastAttempted(), b.lastAttempted())
                && eq(a.lastApplied(), b.lastApplied()) && eq(a.appliedAs(), b.appliedAs())
                && eq(a.pendingReview(), b.pendingReview()) && eq(a.remote(), b.remote())
                && a.failures() == b.failures() && eq(a.nextSyncAt() == null, b.nextSyncAt() == null);
    }

    private static boolean eq(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }
}
