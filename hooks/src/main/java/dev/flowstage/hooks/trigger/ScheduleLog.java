package dev.flowstage.hooks.trigger;

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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * When each schedule last came due (fired, or skipped while paused), as {@code PIPELINE/STAGE.json}
 * on {@link #REF} of the team's {@code _config.git}, beside the runs: what a restarted server reads to
 * know which fire time it missed while it was down. Written only when a time comes due or a schedule
 * is first seen, never on the poll itself.
 */
public final class ScheduleLog {
    public static final String REF = "refs/meta/schedules";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepoStore repos;

    public ScheduleLog(RepoStore repos) {
        this.repos = repos;
    }

    /** The last due time recorded for this schedule; empty when none is, or the cron expression changed since. */
    public Optional<Instant> lastDue(String team, String pipeline, String stage, String cron) {
        try (Repository repo = open(team)) {
            byte[] file = new MetaRef(repo, REF).read().files().get(path(pipeline, stage));
            if (file == null) {
                return Optional.empty();
            }
            JsonNode n = JSON.readTree(file);
            if (!cron.equals(n.path("cron").asText()) || !n.path("lastDue").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(Instant.parse(n.path("lastDue").asText()));
        } catch (RepositoryNotFoundException gone) {
            return Optional.empty();
        } catch (IOException | DateTimeParseException unreadable) {
            // a file this version cannot read counts as none: the schedule starts from now
            return Optional.empty();
        }
    }

    /** Records that the schedule came due (or was first seen) at {@code due}. */
    public void record(String team, String pipeline, String stage, String cron, Instant due) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cron", cron);
        n.put("lastDue", due.toString());
        byte[] content = (n.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (Repository repo = open(team)) {
            PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage", due, ZoneOffset.UTC);
            new MetaRef(repo, REF).edit("Schedule of " + pipeline + "/" + stage + " due " + due, who,
                    tree -> MetaChange.write(path(pipeline, stage), content));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the schedule of " + team + "/" + pipeline + "/" + stage, e);
        }
    }

    private Repository open(String team) throws IOException {
        return repos.open(new RepoName(team, RepoName.CONFIG));
    }

    private static String path(String pipeline, String stage) {
        return pipeline + "/" + stage + ".json";
    }
}
