package dev.flowstage.hooks.events;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * Webhook deliveries that still owe an attempt — waiting for a retry, or cut short when the server
 * stopped — as {@code ID.json} on {@link #REF} of the team's {@code _config.git}, so a restarted
 * server resumes them. Written when a retry is scheduled and at shutdown, removed when a delivery
 * ends: a delivery that succeeds at its first attempt never touches Git here.
 */
public final class PendingDeliveries {
    public static final String REF = "refs/meta/webhook-pending";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What resuming a delivery needs; {@code body} is the event JSON exactly as first sent. */
    public record Pending(String id, String webhook, String type, String target, byte[] body, int attempts,
                          long spentMillis, Instant started, Instant dueAt) {}

    private final RepoStore repos;

    public PendingDeliveries(RepoStore repos) {
        this.repos = repos;
    }

    public void save(String team, Pending p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("webhook", p.webhook());
        n.put("type", p.type());
        n.put("target", p.target());
        n.put("body", new String(p.body(), StandardCharsets.UTF_8));
        n.put("attempts", p.attempts());
        n.put("spentMillis", p.spentMillis());
        n.put("started", p.started().toString());
        n.put("dueAt", p.dueAt().toString());
        byte[] content = (n.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        edit(team, "Delivery " + p.id() + " to " + p.webhook() + " pending (attempt " + (p.attempts() + 1) + ")",
                MetaChange.write(p.id() + ".json", content));
    }

    public void remove(String team, String id) {
        edit(team, "Delivery " + id + " ended", MetaChange.NONE.andRemove(id + ".json"));
    }

    /** The team's pending deliveries; files this version cannot read are skipped. */
    public List<Pending> list(String team) {
        try (Repository repo = open(team)) {
            List<Pending> out = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : new MetaRef(repo, REF).read().files().entrySet()) {
                if (!f.getKey().endsWith(".json")) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(f.getValue());
                    out.add(new Pending(f.getKey().substring(0, f.getKey().length() - 5), n.path("webhook").asText(),
                            n.path("type").asText(), n.path("target").asText(null),
                            n.path("body").asText().getBytes(StandardCharsets.UTF_8), n.path("attempts").asInt(),
                            n.path("spentMillis").asLong(), Instant.parse(n.path("started").asText()),
                            Instant.parse(n.path("dueAt").asText())));
                } catch (IOException | RuntimeException unreadable) {
                    // an entry written by hand or by another version: not resumed
                }
            }
            return out;
        } catch (RepositoryNotFoundException gone) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pending webhook deliveries of team '" + team + "'", e);
        }
    }

    private void edit(String team, String message, MetaChange change) {
        try (Repository repo = open(team)) {
            PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage", Instant.now(), ZoneOffset.UTC);
            new MetaRef(repo, REF).edit(message, who, tree -> change);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pending webhook deliveries of team '" + team + "'", e);
        }
    }

    private Repository open(String team) throws IOException {
        return repos.open(new RepoName(team, RepoName.CONFIG));
    }
}
