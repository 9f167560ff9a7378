package dev.flowstage.hooks.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.secret.Tokens;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The upstream configurations of a team's instances, as {@code upstream/INSTANCE.json} files of its
 * {@code _config.git}; each change one commit. New configurations start paused and change only while paused.
 */
public final class UpstreamStore {
    private final TeamStore teams;
    private final SecretBox box;
    private final Clock clock;
    private final AddressPolicy policy;

    public UpstreamStore(TeamStore teams, SecretBox box, Clock clock, AddressPolicy policy) {
        this.teams = Objects.requireNonNull(teams);
        this.box = Objects.requireNonNull(box);
        this.clock = Objects.requireNonNull(clock);
        this.policy = Objects.requireNonNull(policy);
    }

    /** The result of a {@link #put}: the stored configuration and, when it was just created, its webhook secret. */
    public record Put(UpstreamConfig config, String newHookSecret) {}

    public Optional<UpstreamConfig> get(String team, String instance) {
        return teams.team(team).flatMap(c -> read(c, instance));
    }

    /** Every configuration of the team (broken files skipped). */
    public List<UpstreamConfig> list(String team) {
        return teams.team(team).map(UpstreamStore::all).orElse(List.of());
    }

    /**
     * Creates (paused) or replaces the configuration from the API body.
     * @throws dev.flowstage.storage.meta.MetaInvalidException for a bad body
     * @throws MetaConflictException while the sync is active
     */
    public Put put(String team, String actor, String instance, JsonNode body) {
        UpstreamConfig parsed = UpstreamFiles.parse("", instance, body);
        String[] plain = {null};
        UpstreamConfig[] stored = {null};
        teams.edit(team, actor, "Configure upstream of " + instance, c -> {
            Optional<UpstreamConfig> old = read(c, instance);
            if (old.isPresent() && old.get().active()) {
                throw new MetaConflictException("the upstream sync of '" + instance + "' is active: pause it"
                        + " (POST …/upstream/pause) before changing its configuration");
            }
            String sealed = old.map(UpstreamConfig::sealedHookSecret).orElse(null);
            if (sealed == null) {
                plain[0] = Tokens.newWebhookSecret();
                sealed = box.seal(plain[0]);
            }
            UpstreamConfig next = new UpstreamConfig(instance, parsed.url(), parsed.protocol(), parsed.branch(),
                    parsed.path(), parsed.intervalSeconds(), parsed.auth(), parsed.integration(), parsed.caCert(),
                    parsed.knownHosts(), false, sealed, clock.instant());
            UpstreamFiles.check("", next, c, policy);
            stored[0] = next;
            return c.withExtraFile(UpstreamFiles.file(instance), UpstreamFiles.format(next));
        });
        return new Put(stored[0], plain[0]);
    }

    /** Pauses ({@code false}) or resumes the sync. @throws MetaNotFoundException when none is configured */
    public UpstreamConfig setActive(String team, String actor, String instance, boolean active) {
        UpstreamConfig[] out = {null};
        teams.edit(team, actor, (active ? "Resume" : "Pause") + " upstream of " + instance, c -> {
            UpstreamConfig old = read(c, instance).orElseThrow(() -> notFound(team, instance));
            out[0] = old.withActive(active, clock.instant());
            return old.active() == active ? c : c.withExtraFile(UpstreamFiles.file(instance), UpstreamFiles.format(out[0]));
        });
        return out[0];
    }

    /** Stops following. @throws MetaNotFoundException when none is configured */
    public void delete(String team, String actor, String instance) {
        teams.edit(team, actor, "Remove upstream of " + instance, c -> {
            if (!c.extraFiles().containsKey(UpstreamFiles.file(instance))) {
                throw notFound(team, instance);
            }
            return c.withExtraFile(UpstreamFiles.file(instance), null);
        });
    }

    /** The plain webhook secret of {@code c}, to check a push webhook against. */
    public Optional<String> hookSecret(UpstreamConfig c) {
        return Optional.ofNullable(c.sealedHookSecret()).map(box::open);
    }

    public static MetaNotFoundException notFound(String team, String instance) {
        return new MetaNotFoundException("instance '" + instance + "' of team '" + team + "' follows no upstream");
    }

    static Optional<UpstreamConfig> read(TeamConfig c, String instance) {
        byte[] f = c.extraFiles().get(UpstreamFiles.file(instance));
        if (f == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UpstreamFiles.parse("", instance, MetaJson.readObject(UpstreamFiles.file(instance), f)));
        } catch (RuntimeException broken) {
            return Optional.empty();
        }
    }

    static List<UpstreamConfig> all(TeamConfig c) {
        List<UpstreamConfig> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : c.extraFiles().entrySet()) {
            String instance = UpstreamFiles.instanceOf(f.getKey());
            if (instance != null) {
                read(c, instance).ifPresent(out::add);
            }
        }
        return out;
    }
}
