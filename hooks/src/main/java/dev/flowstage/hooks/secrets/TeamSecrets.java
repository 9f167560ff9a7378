package dev.flowstage.hooks.secrets;

import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A team's secrets as {@code secrets/PATH.json} files of its {@code _config.git}: each change one commit,
 * the value sealed before it is written, opened only for the server's own use ({@link #resolve}).
 */
public final class TeamSecrets {
    private final TeamStore teams;
    private final SecretBox box;
    private final Clock clock;

    public TeamSecrets(TeamStore teams, SecretBox box, Clock clock) {
        this.teams = Objects.requireNonNull(teams);
        this.box = Objects.requireNonNull(box);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Sets (creates or replaces) the secret at {@code path}. @throws MetaInvalidException for a bad path or empty value */
    public TeamSecret put(String team, String actor, String path, String value) {
        SecretFiles.requirePath(path);
        if (value == null || value.isEmpty()) {
            throw new MetaInvalidException("'value' must not be empty");
        }
        TeamSecret s = new TeamSecret(path, box.seal(value), clock.instant());
        teams.edit(team, actor, "Set secret " + path, c -> c.withExtraFile(SecretFiles.file(path), SecretFiles.format(s)));
        return s;
    }

    /** @throws MetaNotFoundException when there is no such secret */
    public void delete(String team, String actor, String path) {
        String file = SecretFiles.file(SecretFiles.requirePath(path));
        teams.edit(team, actor, "Remove secret " + path, c -> {
            if (!c.extraFiles().containsKey(file)) {
                throw notFound(team, path);
            }
            return c.withExtraFile(file, null);
        });
    }

    /** The team's secrets (paths and times, values still sealed), most recently set first. */
    public List<TeamSecret> list(String team) {
        return teams.team(team).map(TeamSecrets::secrets).orElse(List.of()).stream()
                .sorted(Comparator.comparing(TeamSecret::updatedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(TeamSecret::path))
                .toList();
    }

    /** Whether the team has a secret at {@code path}. */
    public boolean exists(TeamConfig config, String path) {
        return config.extraFiles().containsKey(SecretFiles.file(path));
    }

    /**
     * The plain value a reference {@code secret:PATH} names, for an outbound connection.
     * @throws MetaInvalidException naming the field and the secret when it is no reference or the secret is missing
     */
    public String resolve(String team, String field, String reference) {
        String path = SecretFiles.referencedPath(field, reference);
        Optional<byte[]> file = teams.team(team).map(c -> c.extraFiles().get(SecretFiles.file(path)));
        if (file.isEmpty()) {
            throw missing(field, path);
        }
        return box.open(SecretFiles.parse(SecretFiles.file(path), file.get(), box).sealedValue());
    }

    /** @throws MetaInvalidException when {@code reference} is no reference or names a secret {@code config} lacks */
    public static void requireExisting(TeamConfig config, String field, String reference) {
        String path = SecretFiles.referencedPath(field, reference);
        if (!config.extraFiles().containsKey(SecretFiles.file(path))) {
            throw missing(field, path);
        }
    }

    static MetaInvalidException missing(String field, String path) {
        return new MetaInvalidException("'" + field + "' refers to secret '" + path + "', which does not exist:"
                + " set it with PUT /api/v1/teams/TEAM/secrets/" + path);
    }

    public static MetaNotFoundException notFound(String team, String path) {
        return new MetaNotFoundException("secret '" + path + "' not found in team '" + team + "'");
    }

    private static List<TeamSecret> secrets(TeamConfig config) {
        List<TeamSecret> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : config.extraFiles().entrySet()) {
            String path = SecretFiles.pathOf(f.getKey());
            if (path != null) {
                try {
                    out.add(SecretFiles.parse(f.getKey(), f.getValue(), new ParseOnly()));
                } catch (RuntimeException broken) {
                    // refused on push; a file this version cannot read is left out of the list
                }
            }
        }
        return out;
    }

    /** Listing needs no opening: a box that accepts every sealed value without decrypting it. */
    private static final class ParseOnly implements SecretBox {
        @Override
        public String seal(String plaintext) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String open(String sealed) {
            return "";
        }
    }
}
