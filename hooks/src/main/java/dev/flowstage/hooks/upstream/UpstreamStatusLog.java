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
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * The sync status of each instance as {@code INSTANCE.json} on {@link #REF} of the team's {@code _config.git}
 * (beside the runs and schedules): an atomic ref update per change, so a restart finds the schedule, the
 * last applied revision and the error as they were. Written when something changes, not on every idle sync.
 */
public final class UpstreamStatusLog {
    public static final String REF = "refs/meta/upstream";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepoStore repos;
    private final Clock clock;

    public UpstreamStatusLog(RepoStore repos, Clock clock) {
        this.repos = repos;
        this.clock = clock;
    }

    public Optional<UpstreamStatus> read(String team, String instance) {
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            byte[] f = new MetaRef(repo, REF).read().files().get(instance + ".json");
            return f == null ? Optional.empty() : Optional.of(parse(JSON.readTree(f)));
        } catch (RepositoryNotFoundException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    public void write(String team, String instance, UpstreamStatus s) {
        byte[] content = (format(s).toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC);
            new MetaRef(repo, REF).edit("Upstream of " + instance + ": " + s.state().json(), who,
                    tree -> MetaChange.write(instance + ".json", content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the upstream status of " + team + "/" + instance, e);
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
