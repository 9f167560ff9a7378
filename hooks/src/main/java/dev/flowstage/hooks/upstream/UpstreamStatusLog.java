package dev.flowstage.hooks.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaChange;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync status of each instance as {@code INSTANCE.json} on {@link #REF} of the team's {@code _config.git}
 * (beside the runs and schedules), so a restart finds the schedule, the last applied revision and the error
 * as they were. Written when something changes, not on every idle sync.
 *
 * <p>The server is the only writer of that ref, so the statuses of a team are read from it once and then
 * kept in memory, updated on each write: a read costs one look at the ref (a team deleted and made again
 * has another ref, and its statuses are read afresh), not a read of every status file. Writes are group-committed: a write
 * that finds another commit of the team's statuses in progress leaves its status to that writer, which
 * commits every status written meanwhile in one more commit before it returns, so a thousand instances
 * applying the same remote push make a handful of commits on the shared ref, not a thousand contending ones.
 */
public final class UpstreamStatusLog {
    public static final String REF = "refs/meta/upstream";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamStatusLog.class);

    private final RepoStore repos;
    private final Clock clock;
    private final Map<String, TeamStatuses> teams = new ConcurrentHashMap<>();

    /** One team's statuses as stored plus those written since, and the lock of the one committing them. */
    private static final class TeamStatuses {
        final Map<String, UpstreamStatus> current;
        final Map<String, UpstreamStatus> pending = new ConcurrentHashMap<>();
        final ReentrantLock committing = new ReentrantLock();
        /** The commit of the ref that {@link #current} and our own commits since amount to (null: unknown). */
        volatile ObjectId head;

        TeamStatuses(Map<String, UpstreamStatus> stored, ObjectId head) {
            this.current = new ConcurrentHashMap<>(stored);
            this.head = head;
        }
    }

    public UpstreamStatusLog(RepoStore repos, Clock clock) {
        this.repos = repos;
        this.clock = clock;
    }

    public Optional<UpstreamStatus> read(String team, String instance) {
        TeamStatuses t = loaded(team);
        return t == null ? Optional.empty() : Optional.ofNullable(t.current.get(instance));
    }

    /** Records {@code s}; stored on the ref before this returns, or by the write committing at the same time. */
    public void write(String team, String instance, UpstreamStatus s) {
        TeamStatuses t = loaded(team);
        if (t == null) {
            throw new UncheckedIOException("cannot record the upstream status of " + team + "/" + instance,
                    new IOException("team '" + team + "' has no configuration repository"));
        }
        t.current.put(instance, s);
        t.pending.put(instance, s);
        commit(team, t);
    }

    /** Commits every pending status of the team, unless another thread is doing so (it takes ours along). */
    private void commit(String team, TeamStatuses t) {
        while (!t.pending.isEmpty() && t.committing.tryLock()) {
            Map<String, UpstreamStatus> batch = new TreeMap<>();
            try {
                for (String instance : List.copyOf(t.pending.keySet())) {
                    UpstreamStatus st = t.pending.remove(instance);
                    if (st != null) {
                        batch.put(instance, st);
                    }
                }
                if (!batch.isEmpty()) {
                    store(team, t, batch);
                }
            } catch (IOException | RuntimeException e) {
                batch.forEach(t.pending::putIfAbsent); // the next write of the team tries them again
                LOG.warn("cannot record the upstream status of {} instance(s) of team {}", batch.size(), team, e);
                return;
            } finally {
                t.committing.unlock();
            }
        }
    }

    private void store(String team, TeamStatuses t, Map<String, UpstreamStatus> batch) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        batch.forEach((instance, st) -> files.put(instance + ".json",
                (format(st).toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8)));
        String message = batch.size() == 1
                ? "Upstream of " + batch.keySet().iterator().next() + ": " + batch.values().iterator().next().state().json()
                : "Upstream of " + batch.size() + " instances";
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC);
            ObjectId expected = t.head;
            MetaRef.Edited edited = new MetaRef(repo, REF).edit(message, who, tree -> new MetaChange(files, Set.of()));
            // a parent other than the commit we knew: someone else wrote the ref, so the next read re-reads it
            t.head = java.util.Objects.equals(edited.parent(), expected) ? edited.commit() : null;
        }
    }

    /**
     * The team's statuses: those in memory while the ref is at the commit they amount to, else read from the
     * ref (statuses written but not committed yet kept); null when the team has no configuration repository.
     */
    private TeamStatuses loaded(String team) {
        TeamStatuses t = teams.get(team);
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            MetaRef ref = new MetaRef(repo, REF);
            ObjectId head = ref.head();
            if (t != null && (java.util.Objects.equals(t.head, head) || t.committing.isLocked())) {
                return t;
            }
            Map<String, UpstreamStatus> stored = new HashMap<>();
            ref.read(head).files().forEach((file, bytes) -> {
                if (file.endsWith(".json")) {
                    try {
                        stored.put(file.substring(0, file.length() - 5), parse(JSON.readTree(bytes)));
                    } catch (IOException | RuntimeException unreadable) {
                        LOG.warn("ignoring the unreadable upstream status {} of team {}", file, team);
                    }
                }
            });
            TeamStatuses fresh = new TeamStatuses(stored, head);
            if (t != null) {
                fresh.current.putAll(t.pending);
                fresh.pending.putAll(t.pending);
            }
            TeamStatuses won = t == null ? teams.putIfAbsent(team, fresh) : teams.replace(team, t, fresh) ? null : teams.get(team);
            return won == null ? fresh : won;
        } catch (RepositoryNotFoundException gone) {
            teams.remove(team);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upstream statuses of team " + team, e);
        }
    }

    private static ObjectNode format(UpstreamStatus s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("state", s.state().json());
        put(n, "error", s.error());
        put(n, "lastAttempted", s.lastAttempted());
        put(n, "lastApplied", s.lastApplied());
        put(n, "appliedAs", s.appliedAs());
        if (s.pendingReview() != null) {
            n.put("pendingReview", s.pendingReview());
        }
        put(n, "pendingRemote", s.pendingRemote());
        if (s.remote() != null) {
            ObjectNode r = n.putObject("remote");
            r.put("hash", s.remote().hash());
            put(r, "author", s.remote().author());
            put(r, "date", s.remote().date() == null ? null : s.remote().date().toString());
            put(r, "message", s.remote().message());
        }
        put(n, "lastSyncAt", s.lastSyncAt() == null ? null : s.lastSyncAt().toString());
        put(n, "nextSyncAt", s.nextSyncAt() == null ? null : s.nextSyncAt().toString());
        n.put("failures", s.failures());
        return n;
    }

    private static UpstreamStatus parse(JsonNode n) {
        UpstreamState state = UpstreamState.parse(n.path("state").asText());
        UpstreamStatus.RemoteCommit remote = null;
        if (n.path("remote").isObject()) {
            JsonNode r = n.get("remote");
            remote = new UpstreamStatus.RemoteCommit(r.path("hash").asText(), r.path("author").asText(null),
                    time(r, "date"), r.path("message").asText(null));
        }
        return new UpstreamStatus(state == null ? UpstreamState.PAUSED : state, n.path("error").asText(null),
                n.path("lastAttempted").asText(null), n.path("lastApplied").asText(null), n.path("appliedAs").asText(null),
                n.path("pendingReview").isNumber() ? n.get("pendingReview").asLong() : null,
                n.path("pendingRemote").asText(null), remote, time(n, "lastSyncAt"), time(n, "nextSyncAt"),
                n.path("failures").asInt(0));
    }

    private static Instant time(JsonNode n, String field) {
        return n.path(field).isTextual() ? Instant.parse(n.get(field).asText()) : null;
    }

    private static void put(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
