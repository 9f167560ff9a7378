package dev.flowstage.storage.run;

import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaChange;
import dev.flowstage.storage.meta.MetaFolder;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.meta.MetaTree;
import dev.flowstage.storage.meta.TeamMetaRepo;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * {@link RunStore} on each team's {@code _config.git}, ref {@link #META_REF}: {@code runs/SHARD/ID.json}
 * (at most 100 runs per shard tree) and {@code next-id}. Every write is an incremental tree edit, so its cost does not grow with the number of
 * runs, and reads parse only the run files that changed since they were last read.
 */
public final class GitRunStore implements RunStore {
    static final String NEXT_ID = "next-id";
    private static final String SYSTEM = "flowstage";

    private final RepoStore repos;
    private final Clock clock;
    private final MetaFolder<Run> folder = new MetaFolder<>("runs", true, RunJson::parse, 20_000);

    public GitRunStore(RepoStore repos, Clock clock) {
        this.repos = repos;
        this.clock = clock;
    }

    @Override
    public Run create(Run run) {
        String team = run.team();
        Run[] created = new Run[1];
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            MetaRef.Edited edited = ref.edit("Queue run of " + run.pipeline(), ident(run.actor()), tree -> {
                long next = nextId(tree);
                created[0] = run.withId(String.format("%06d", next), clock.instant());
                return MetaChange.write(folder.path(created[0].id()), RunJson.format(created[0]))
                        .andWrite(NEXT_ID, (next + 1 + "\n").getBytes(StandardCharsets.UTF_8));
            });
            folder.wrote(edited, team, created[0].id(), created[0]);
            repos.pushed(new RepoName(team, RepoName.CONFIG));
            return created[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store a run in team '" + team + "'", e);
        }
    }

    @Override
    public Optional<Run> get(String team, String id) {
        if (!folder.accepts(id)) {
            return Optional.empty();
        }
        return read(team, (ref, ids) -> {
            ObjectId blob = ids.get(id);
            return blob == null ? Optional.<Run>empty() : Optional.of(folder.record(ref, team, id, blob));
        }, Optional.empty());
    }

    @Override
    public List<Run> list(String team, String pipelineOrNull, int limit, String afterIdOrNull) {
        if (limit < 1) {
            throw new MetaInvalidException("limit must be at least 1, not " + limit);
        }
        if (afterIdOrNull != null && !folder.accepts(afterIdOrNull)) {
            throw new MetaInvalidException("cursor '" + afterIdOrNull + "' is not a run id");
        }
        return read(team, (ref, ids) -> {
            NavigableMap<String, ObjectId> older = afterIdOrNull == null ? ids : ids.headMap(afterIdOrNull, false);
            List<Run> page = new ArrayList<>();
            for (Map.Entry<String, ObjectId> e : older.descendingMap().entrySet()) {
                Run r = folder.record(ref, team, e.getKey(), e.getValue());
                if (pipelineOrNull == null || pipelineOrNull.equals(r.pipeline())) {
                    page.add(r);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
            return page;
        }, List.of());
    }

    @Override
    public Run update(String team, String id, UnaryOperator<Run> edit) {
        if (!folder.accepts(id)) {
            throw runNotFound(team, id);
        }
        Run[] result = new Run[1];
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            MetaRef.Edited edited = ref.edit("Update run " + id, ident(SYSTEM), tree -> {
                ObjectId blob = tree.blobId(folder.path(id));
                if (blob == null) {
                    throw runNotFound(team, id);
                }
                Run current = folder.record(tree, team, id, blob);
                Run next = edit.apply(current);
                if (next == null || !id.equals(next.id()) || !team.equals(next.team())
                        || !current.pipeline().equals(next.pipeline())) {
                    throw new IllegalArgumentException("a run's id, team and pipeline cannot be changed by update");
                }
                result[0] = next;
                return next.equals(current) ? MetaChange.NONE : MetaChange.write(folder.path(id), RunJson.format(next));
            });
            folder.wrote(edited, team, id, result[0]);
            if (edited.changed()) {
                repos.pushed(new RepoName(team, RepoName.CONFIG));
            }
            return result[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update run " + id + " of team '" + team + "'", e);
        }
    }

    @Override
    public List<Run> pending(String team) {
        return read(team, (ref, ids) -> {
            List<Run> runs = new ArrayList<>();
            for (Map.Entry<String, ObjectId> e : ids.entrySet()) {
                Run r = folder.record(ref, team, e.getKey(), e.getValue());
                if (r.status().isPending()) {
                    runs.add(r);
                }
            }
            return runs;
        }, List.of());
    }

    @Override
    public List<Run> allNonTerminal() {
        List<Run> runs = new ArrayList<>();
        for (String team : teams()) {
            runs.addAll(pending(team));
        }
        return runs;
    }

    /** Teams with a config repo, found on disk: recovery runs before anything else is loaded. */
    private List<String> teams() {
        // RepoStore places every repo at REPOS/TEAM/NAME.git, so any valid name locates REPOS
        Path root = repos.path(new RepoName("x", RepoName.CONFIG)).getParent().getParent();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(p -> p.getFileName().toString())
                    .filter(Names::isValid)
                    .filter(t -> repos.exists(new RepoName(t, RepoName.CONFIG)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the teams' repositories", e);
        }
    }

    private interface Reader<T> {
        T read(MetaRef ref, NavigableMap<String, ObjectId> ids) throws IOException;
    }

    /** Runs {@code reader} over the team's run ids at the current commit; {@code none} for an unknown team. */
    private <T> T read(String team, Reader<T> reader, T none) {
        if (!Names.isValid(team)) {
            return none;
        }
        try (Repository config = repos.open(new RepoName(team, RepoName.CONFIG))) {
            MetaRef ref = new MetaRef(config, META_REF);
            return reader.read(ref, folder.listing(ref, ref.head()));
        } catch (RepositoryNotFoundException e) {
            return none;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runs of team '" + team + "'", e);
        }
    }

    private static long nextId(MetaTree tree) {
        long id = TeamMetaRepo.counter(tree, NEXT_ID);
        return id;
    }

    private Repository openConfig(String team) throws IOException {
        return TeamMetaRepo.open(repos, team);
    }

    private PersonIdent ident(String actor) {
        return TeamMetaRepo.ident(actor, clock);
    }

    private static MetaNotFoundException runNotFound(String team, String id) {
        return new MetaNotFoundException("run " + id + " does not exist in team '" + team + "'");
    }
}
