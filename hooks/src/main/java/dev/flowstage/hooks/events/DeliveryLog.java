package dev.flowstage.hooks.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaChange;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * The last {@code keep} deliveries of each webhook, newest first, as {@code NAME.json} on ref
 * {@link #REF} of the team's {@code _config.git}: kept apart from {@code main} so that deliveries
 * neither clutter the configuration history nor count as configuration changes.
 */
public final class DeliveryLog {
    public static final String REF = "refs/meta/webhook-deliveries";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepoStore repos;
    private final int keep;

    public DeliveryLog(RepoStore repos, int keep) {
        this.repos = repos;
        this.keep = keep;
    }

    public void record(String team, WebhookDelivery d) {
        String file = d.webhook() + ".json";
        try (Repository repo = open(team)) {
            PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage", d.time(), ZoneOffset.UTC);
            new MetaRef(repo, REF).edit("Delivery " + d.id() + " to " + d.webhook(), who, tree -> {
                List<JsonNode> entries = new ArrayList<>();
                entries.add(tree(d));
                byte[] current = tree.read(file);
                if (current != null) {
                    for (JsonNode e : readArray(current)) {
                        if (entries.size() < keep) {
                            entries.add(e);
                        }
                    }
                }
                ArrayNode out = JSON.createArrayNode();
                entries.forEach(out::add);
                return MetaChange.write(file, MetaJson.write(out));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a webhook delivery in team '" + team + "'", e);
        }
    }

    /** The webhook's last deliveries, newest first; empty when none was made. */
    public List<WebhookDelivery> list(String team, String webhook) {
        if (!Names.isValid(team) || !Names.isValid(webhook)) {
            return List.of();
        }
        try (Repository repo = open(team)) {
            byte[] content = new MetaRef(repo, REF).read().files().get(webhook + ".json");
            List<WebhookDelivery> out = new ArrayList<>();
            if (content != null) {
                for (JsonNode e : readArray(content)) {
                    out.add(parse(webhook, e));
                }
            }
            return out;
        } catch (RepositoryNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read webhook deliveries of team '" + team + "'", e);
        }
    }

    private Repository open(String team) throws IOException {
        return repos.open(new RepoName(team, RepoName.CONFIG));
    }

    /** The stored entries; a file that is not a JSON array (edited by hand) counts as empty. */
    private static ArrayNode readArray(byte[] content) {
        try {
            return JSON.readTree(content) instanceof ArrayNode a ? a : JSON.createArrayNode();
        } catch (IOException e) {
            return JSON.createArrayNode();
        }
    }

    private static ObjectNode tree(WebhookDelivery d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", d.id());
        n.put("event", d.event());
        n.put("target", d.target());
        n.put("succeeded", d.succeeded());
        if (d.statusCode() != null) {
            n.put("statusCode", d.statusCode());
        }
        n.put("attempts", d.attempts());
        MetaJson.put(n, "error", d.error());
        n.put("durationMillis", d.durationMillis());
        n.put("time", d.time().toString());
        return n;
    }

    private static WebhookDelivery parse(String webhook, JsonNode n) {
        return new WebhookDelivery(n.path("id").asText(), webhook, n.path("event").asText(),
                n.path("target").asText(), n.path("succeeded").asBoolean(),
                n.hasNonNull("statusCode") ? n.get("statusCode").asInt() : null, n.path("attempts").asInt(),
                n.hasNonNull("error") ? n.get("error").asText() : null, n.path("durationMillis").asLong(),
                Instant.parse(n.path("time").asText()));
    }
}
