package dev.flowstage.storage.meta;

import dev.flowstage.storage.Names;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/** What the stores kept in a team's {@code _config.git} (reviews, runs) share: opening it, authors, id counters. */
public final class TeamMetaRepo {
    private static final String SYSTEM = "flowstage";

    private TeamMetaRepo() {}

    /** The team's {@code _config.git}; a team that does not exist (or cannot, by its name) is "not found". */
    public static Repository open(RepoStore repos, String team) throws IOException {
        if (!Names.isValid(team)) {
            throw teamNotFound(team);
        }
        try {
            return repos.open(new RepoName(team, RepoName.CONFIG));
        } catch (RepositoryNotFoundException e) {
            throw teamNotFound(team);
        }
    }

    public static MetaNotFoundException teamNotFound(String team) {
        return new MetaNotFoundException("team '" + team + "' does not exist");
    }

    /** The author of a metadata commit made for {@code actor} (the server itself when null), now. */
    public static PersonIdent ident(String actor, Clock clock) {
        String who = actor == null ? SYSTEM : actor;
        return new PersonIdent(who, who + "@flowstage", clock.instant(), ZoneOffset.UTC);
    }

    /** The number in the counter file {@code path} of {@code tree}, 1 when there is none yet. */
    public static long counter(MetaTree tree, String path) {
        byte[] next = tree.read(path);
        try {
            return next == null ? 1 : Long.parseLong(new String(next, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            throw new MetaInvalidException(path + ": not a number");
        }
    }
}
