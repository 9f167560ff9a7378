package dev.flowstage.storage.review;

import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaChange;
import dev.flowstage.storage.meta.MetaConflictException;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * {@link ReviewStore} on each team's {@code _config.git}, ref {@link #META_REF}: {@code reviews/ID.json}
 * and {@code next-id}. The metadata is committed before {@code refs/reviews/ID} is set in the target repo,
 * so an id is never handed out twice even when the ref cannot be written.
 */
public final class GitReviewStore implements ReviewStore {
    static final String NEXT_ID = "next-id";
    private static final String SYSTEM = "flowstage";

    private final RepoStore repos;
    private final Clock clock;
    private final MetaFolder<Review> folder = new MetaFolder<>("reviews", false, ReviewJson::parse, 10_000);

    public GitReviewStore(RepoStore repos, Clock clock) {
        this.repos = repos;
        this.clock = clock;
    }

    @Override
    public Review open(String team, String target, String candidateSha, String baseSha, String author, String title,
            int requiredApprovals, String runId) {
        if (!Names.isValid(team) || !repos.exists(new RepoName(team, RepoName.CONFIG))) {
            throw TeamMetaRepo.teamNotFound(team);
        }
        if (requiredApprovals < 1) {
            throw new MetaInvalidException("a review needs at least 1 approval, not " + requiredApprovals);
        }
        if (baseSha != null && !ObjectId.isId(baseSha)) {
            throw new MetaInvalidException("base '" + baseSha + "' is not a commit id");
        }
        ObjectId candidate = requireCommit(team, target, candidateSha);
        Review[] opened = new Review[1];
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            MetaRef.Edited edited = ref.edit("Open review on " + target + ": " + (title == null ? "" : title),
                    ident(author == null ? SYSTEM : author), tree -> {
                        long id = nextId(tree);
                        Instant now = clock.instant();
                        opened[0] = new Review(id, team, target, ReviewState.OPEN, candidate.name(), baseSha, author,
                                title, now, now, List.of(), requiredApprovals, runId, null, null);
                        return MetaChange.write(folder.path(Long.toString(id)), ReviewJson.format(opened[0]))
                                .andWrite(NEXT_ID, (id + 1 + "\n").getBytes(StandardCharsets.UTF_8));
                    });
            folder.wrote(edited, team, Long.toString(opened[0].id()), opened[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a review in team '" + team + "'", e);
        }
        moveReviewRef(team, target, opened[0].id(), candidate);
        return opened[0];
    }

    @Override
    public Optional<Review> get(String team, long id) {
        if (!Names.isValid(team) || id < 1) {
            return Optional.empty();
        }
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            String key = Long.toString(id);
            ObjectId blob = folder.listing(ref, ref.head()).get(key);
            return blob == null ? Optional.empty() : Optional.of(folder.record(ref, team, key, blob));
        } catch (MetaNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reviews of team '" + team + "'", e);
        }
    }

    @Override
    public List<Review> list(String team, ReviewState stateOrNull) {
        if (!Names.isValid(team)) {
            return List.of();
        }
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            List<Review> reviews = new ArrayList<>();
            for (Map.Entry<String, ObjectId> e : folder.listing(ref, ref.head()).descendingMap().entrySet()) {
                Review r = folder.record(ref, team, e.getKey(), e.getValue());
                if (stateOrNull == null || r.state() == stateOrNull) {
                    reviews.add(r);
                }
            }
            return reviews;
        } catch (MetaNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reviews of team '" + team + "'", e);
        }
    }

    @Override
    public Review update(String team, long id, UnaryOperator<Review> edit) {
        return write(team, id, edit, false);
    }

    @Override
    public Review replaceCandidate(String team, long id, String newSha, String newBaseOrNull) {
        if (newBaseOrNull != null && !ObjectId.isId(newBaseOrNull)) {
            throw new MetaInvalidException("base '" + newBaseOrNull + "' is not a commit id");
        }
        Review current = get(team, id).orElseThrow(() -> reviewNotFound(team, id));
        ObjectId candidate = requireCommit(team, current.target(), newSha);
        Review written = write(team, id, r -> {
            if (r.state().isFinal()) {
                throw new MetaConflictException("review " + id + " is " + r.state().json()
                        + "; its candidate can no longer change");
            }
            return r.withCandidate(candidate.name(), newBaseOrNull == null ? r.base() : newBaseOrNull);
        }, true);
        moveReviewRef(team, written.target(), id, candidate);
        return written;
    }

    private Review write(String team, long id, UnaryOperator<Review> edit, boolean candidateMayChange) {
        if (!Names.isValid(team)) {
            throw TeamMetaRepo.teamNotFound(team);
        }
        String key = Long.toString(id);
        Review[] result = new Review[1];
        try (Repository config = openConfig(team)) {
            MetaRef ref = new MetaRef(config, META_REF);
            MetaRef.Edited edited = ref.edit("Update review " + id, ident(SYSTEM), tree -> {
                ObjectId blob = id < 1 ? null : tree.blobId(folder.path(key));
                if (blob == null) {
                    throw reviewNotFound(team, id);
                }
                Review current = folder.record(tree, team, key, blob);
                Review next = edit.apply(current);
                checkIdentity(current, next, candidateMayChange);
                if (next.equals(current)) {
                    result[0] = current;
                    return MetaChange.NONE;
                }
                result[0] = next.withUpdatedAt(clock.instant());
                return MetaChange.write(folder.path(key), ReviewJson.format(result[0]));
            });
            folder.wrote(edited, team, key, result[0]);
            return result[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update review " + id + " of team '" + team + "'", e);
        }
    }

    private static void checkIdentity(Review current, Review next, boolean candidateMayChange) {
        if (next == null || next.id() != current.id() || !next.team().equals(current.team())
                || !next.target().equals(current.target())
                || (!candidateMayChange && !next.candidate().equals(current.candidate()))) {
            throw new IllegalArgumentException("a review's id, team, target and candidate cannot be changed by update");
        }
    }

    private static long nextId(MetaTree tree) {
        long id = TeamMetaRepo.counter(tree, NEXT_ID);
        while (tree.blobId("reviews/" + id + ".json") != null) {
            id++; // a hand-edited next-id must not overwrite a review
        }
        return id;
    }

    /** The candidate as a commit of the target repo. */
    private ObjectId requireCommit(String team, String target, String sha) {
        if (!Names.isValid(target)) {
            throw new MetaNotFoundException("target '" + target + "' does not exist in team '" + team + "'");
        }
        if (sha == null || !ObjectId.isId(sha)) {
            throw new MetaInvalidException("'" + sha + "' is not a commit id");
        }
        ObjectId id = ObjectId.fromString(sha);
        try (Repository repo = repos.open(new RepoName(team, target)); RevWalk rw = new RevWalk(repo)) {
            return rw.parseCommit(id).copy();
        } catch (RepositoryNotFoundException e) {
            throw new MetaNotFoundException("target '" + target + "' does not exist in team '" + team + "'");
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            throw new MetaInvalidException("commit " + sha + " is not in " + team + "/" + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + team + "/" + target, e);
        }
    }

    private void moveReviewRef(String team, String target, long id, ObjectId candidate) {
        String name = Review.refName(id);
        try (Repository repo = repos.open(new RepoName(team, target))) {
            RefUpdate ru = repo.updateRef(name);
            ru.setNewObjectId(candidate);
            ru.setForceUpdate(true);
            ru.setRefLogMessage("review " + id, false);
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE
                    && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("cannot set " + name + ": " + r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + name + " in " + team + "/" + target, e);
        }
    }

    private Repository openConfig(String team) throws IOException {
        return TeamMetaRepo.open(repos, team);
    }

    private PersonIdent ident(String actor) {
        return TeamMetaRepo.ident(actor, clock);
    }

    private static MetaNotFoundException reviewNotFound(String team, long id) {
        return new MetaNotFoundException("review " + id + " does not exist in team '" + team + "'");
    }
}
