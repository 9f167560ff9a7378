package dev.flowstage.hooks.secrets;

import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A team's Git integrations as files of its {@code _config.git}; the token is sealed and only {@link #token} opens it. */
public final class GitIntegrations {
    private final TeamStore teams;
    private final SecretBox box;
    private final Clock clock;

    public GitIntegrations(TeamStore teams, SecretBox box, Clock clock) {
        this.teams = Objects.requireNonNull(teams);
        this.box = Objects.requireNonNull(box);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * @throws MetaInvalidException for a bad name, provider, empty token or unreadable CA certificate
     * @throws MetaConflictException when the name is taken
     */
    public GitIntegration create(String team, String actor, String name, String provider, String username, String token,
                                 String caCert) {
        Names.require("integration", name);
        GitIntegration.Provider p = GitIntegration.Provider.parse(provider);
        if (p == null) {
            throw new MetaInvalidException("'provider' must be one of github, azure, other");
        }
        if (token == null || token.isBlank()) {
            throw new MetaInvalidException("'token' must not be empty");
        }
        CaCertificate ca = caCert == null || caCert.isBlank() ? null : CaCertificate.parse("caCert", caCert);
        GitIntegration g = new GitIntegration(name, p, username == null || username.isBlank() ? null : username,
                box.seal(token), ca, clock.instant());
        String file = IntegrationFiles.file(name);
        teams.edit(team, actor, "Add Git integration " + name, c -> {
            if (c.extraFiles().containsKey(file)) {
                throw new MetaConflictException("integration '" + name + "' already exists in team '" + team + "'");
            }
            return c.withExtraFile(file, IntegrationFiles.format(g));
        });
        return g;
    }

    /** @throws MetaNotFoundException when there is no such integration */
    public void delete(String team, String actor, String name) {
        String file = IntegrationFiles.file(name);
        teams.edit(team, actor, "Remove Git integration " + name, c -> {
            if (!c.extraFiles().containsKey(file)) {
                throw notFound(team, name);
            }
            return c.withExtraFile(file, null);
        });
    }

    public List<GitIntegration> list(String team) {
        return teams.team(team).map(this::integrations).orElse(List.of());
    }

    public Optional<GitIntegration> get(String team, String name) {
        return list(team).stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** The plain token, for a connection the server makes. */
    public String token(GitIntegration g) {
        return box.open(g.sealedToken());
    }

    public static MetaNotFoundException notFound(String team, String name) {
        return new MetaNotFoundException("integration '" + name + "' not found in team '" + team + "'");
    }

    private List<GitIntegration> integrations(TeamConfig config) {
        List<GitIntegration> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : config.extraFiles().entrySet()) {
            if (IntegrationFiles.nameOf(f.getKey()) != null) {
                try {
                    out.add(IntegrationFiles.parse(f.getKey(), f.getValue(), box));
                } catch (RuntimeException broken) {
                    // refused on push; skipped if an older version left one
                }
            }
        }
        return out;
    }
}
