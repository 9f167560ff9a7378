package dev.flowstage.storage.meta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/** {@link TeamStore} on each team's {@code _config.git} ({@code refs/heads/main}); commits are authored by the acting user. */
public final class GitTeamStore implements TeamStore {
    public static final String REF = "refs/heads/main";

    private final RepoStore repos;
    private final SiteStore site;
    private final Clock clock;
    // Commit ids name a configuration exactly, so cached entries are never stale.
    private final Cache<ObjectId, TeamConfig> configs = Caffeine.newBuilder().maximumSize(1_000).build();

    private final TargetListener listener;

    public GitTeamStore(RepoStore repos, SiteStore site, Clock clock) {
        this(repos, site, clock, new TargetListener() { });
    }

    /** With {@code listener} told of every configuration change made through {@link #edit}. */
    public GitTeamStore(RepoStore repos, SiteStore site, Clock clock, TargetListener listener) {
        this.repos = repos;
        this.site = site;
        this.clock = clock;
        this.listener = java.util.Objects.requireNonNull(listener);
    }

    @Override
    public Optional<TeamConfig> team(String team) {
        if (!Names.isValid(team)) {
            return Optional.empty();
        }
        try (Repository repo = repos.open(configRepo(team))) {
            MetaRef meta = new MetaRef(repo, REF);
            ObjectId head = meta.cachedHead();
            if (head == null) {
                return Optional.empty();
            }
            return Optional.of(configs.get(head.copy(), id -> parse(team, read(meta, id))));
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration of team '" + team + "'", e);
        }
    }

    @Override
    public TeamConfig create(String team, String owner) {
        Names.require("team", team);
        Names.requireUser(owner);
        if (site.teams().contains(team)) {
            throw exists(team);
        }
        RepoName name = configRepo(team);
        TeamConfig config = new TeamConfig(team, clock.instant(), Map.of(owner, Role.OWNER), Map.of(), Map.of(), Map.of());
        Map<String, byte[]> files = TeamConfigFiles.format(config);
        try (Repository repo = repos.create(name)) {
            new MetaRef(repo, REF).update("Create team " + team, ident(owner), s -> files);
        } catch (FileAlreadyExistsException e) {
            throw exists(team);
        } catch (IOException | RuntimeException e) {
            removeQuietly(name, e);
            throw e instanceof IOException io ? new UncheckedIOException("cannot create team '" + team + "'", io)
                    : (RuntimeException) e;
        }
        try {
            site.registerTeam(team);
        } catch (RuntimeException e) {
            // the registry is the arbiter of team names: without an entry the repo must not stay
            removeQuietly(name, e);
            throw e;
        }
        return team(team).orElseThrow(() -> new IllegalStateException("team '" + team + "' vanished after creation"));
    }

    @Override
    public TeamConfig edit(String team, String actor, String message, UnaryOperator<TeamConfig> edit) {
        if (!Names.isValid(team)) {
            throw notFound(team);
        }
        try (Repository repo = repos.open(configRepo(team))) {
            MetaRef meta = new MetaRef(repo, REF);
            TeamConfig[] before = new TeamConfig[1];
            MetaRef.Snapshot written = meta.update(message, ident(actor), snapshot -> {
                if (snapshot.isEmpty()) {
                    throw notFound(team);
                }
                TeamConfig current = configs.get(snapshot.commit().copy(), id -> parse(team, snapshot.files()));
                before[0] = current;
                TeamConfig next = edit.apply(current);
                if (next == null || !team.equals(next.name())) {
                    throw new MetaInvalidException("a team cannot be renamed");
                }
                return TeamConfigFiles.format(next);
            });
            TeamConfig after = configs.get(written.commit().copy(), id -> parse(team, written.files()));
            if (before[0] != null) {
                listener.configChanged(team, before[0], after);
            }
            return after;
        } catch (RepositoryNotFoundException e) {
            throw notFound(team);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration of team '" + team + "'", e);
        }
    }

    @Override
    public void delete(String team) {
        if (!Names.isValid(team)) {
            throw notFound(team);
        }
        RepoName name = configRepo(team);
        boolean existed = repos.exists(name) || site.teams().contains(team);
        if (!existed) {
            throw notFound(team);
        }
        try {
            repos.delete(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the configuration of team '" + team + "'", e);
        }
        site.unregisterTeam(team);
    }

    private static TeamConfig parse(String team, Map<String, byte[]> files) {
        return TeamConfigFiles.parse(team, files);
    }

    private static Map<String, byte[]> read(MetaRef meta, ObjectId id) {
        try {
            return meta.read(id).files();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PersonIdent ident(String actor) {
        return new PersonIdent(actor, actor + "@flowstage", clock.instant(), ZoneOffset.UTC);
    }

    private void removeQuietly(RepoName name, Exception cause) {
        try {
            repos.delete(name);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static RepoName configRepo(String team) {
        return new RepoName(team, RepoName.CONFIG);
    }

    private static MetaConflictException exists(String team) {
        return new MetaConflictException("team '" + team + "' already exists");
    }

    private static MetaNotFoundException notFound(String team) {
        return new MetaNotFoundException("team '" + team + "' does not exist");
    }
}
