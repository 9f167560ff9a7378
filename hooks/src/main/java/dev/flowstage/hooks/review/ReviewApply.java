package dev.flowstage.hooks.review;

import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.signing.CommitSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * Puts a review's candidate on its target's {@code main}: a fast-forward when main is an ancestor of the
 * candidate, otherwise a merge commit built at the Node-RED level ({@link SnapshotMerge}). The ref moves
 * only from the {@code main} the merge was computed on; if main moved meanwhile, the merge is computed once
 * more, then the approval fails cleanly.
 */
final class ReviewApply {
    static final String MAIN = "refs/heads/main";
    private static final int ATTEMPTS = 2;

    /** Where main points after the apply, where it pointed before (null: it did not exist), whether it moved. */
    record Applied(String commit, String oldMain, boolean moved) {}

    private final RepoStore repos;
    private final Clock clock;
    private final SnapshotMerge merge = new SnapshotMerge();

    private final CommitSignatures signer;

    ReviewApply(RepoStore repos, Clock clock) {
        this(repos, clock, null);
    }

    /** {@code signer} nullable: when set, the merge commits this writes are signed with the server's key. */
    ReviewApply(RepoStore repos, Clock clock, CommitSignatures signer) {
        this.repos = repos;
        this.clock = clock;
        this.signer = signer;
    }

    /** @throws ReviewConflictException when the same nodes or files changed on both sides, or main kept moving */
    Applied apply(Review review, String actor) {
        try (Repository repo = open(review)) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Ref main = repo.exactRef(MAIN);
                ObjectId old = main == null ? null : main.getObjectId();
                ObjectId next;
                try (RevWalk walk = new RevWalk(repo)) {
                    RevCommit candidate = walk.parseCommit(ObjectId.fromString(review.candidate()));
                    if (old == null) {
                        next = candidate;
                    } else {
                        RevCommit head = walk.parseCommit(old);
                        if (walk.isMergedInto(candidate, head)) {
                            return new Applied(old.name(), old.name(), false);
                        }
                        next = walk.isMergedInto(head, candidate) ? candidate : mergeCommit(repo, walk, review, head,
                                candidate, actor);
                    }
                }
                RefUpdate ru = repo.updateRef(MAIN);
                ru.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
                ru.setNewObjectId(next);
                ru.setRefLogIdent(ident(actor));
                ru.setRefLogMessage("review " + review.id() + " approved by " + actor, false);
                RefUpdate.Result result = ru.update();
                switch (result) {
                    case NEW, FAST_FORWARD -> {
                        return new Applied(next.name(), old == null ? null : old.name(), true);
                    }
                    case LOCK_FAILURE, REJECTED -> {
                        // main moved since it was read: compute again from the new main
                    }
                    default -> throw new IOException("cannot move main of " + review.team() + "/" + review.target()
                            + ": " + result);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot apply review " + review.id() + " to " + review.team() + "/"
                    + review.target(), e);
        }
        throw new ReviewConflictException("flowstage: main of " + review.team() + "/" + review.target()
                + " kept changing while review " + review.id() + " was applied; approve it again", List.of());
    }

    private ObjectId mergeCommit(Repository repo, RevWalk walk, Review review, RevCommit head, RevCommit candidate,
            String actor) throws IOException {
        RevCommit base;
        try (RevWalk bases = new RevWalk(walk.getObjectReader())) {
            bases.setRevFilter(RevFilter.MERGE_BASE);
            bases.markStart(bases.parseCommit(head));
            bases.markStart(bases.parseCommit(candidate));
            base = bases.next();
        }
        try (RepoLocks.Held writing = RepoLocks.writing(repo.getDirectory());
                ObjectInserter inserter = repo.newObjectInserter()) {
            SnapshotMerge.Result result = merge.merge(walk.getObjectReader(), inserter,
                    base == null ? null : walk.parseCommit(base).getTree(), head.getTree(), candidate.getTree());
            if (result.tree() == null) {
                throw new ReviewConflictException("flowstage: review " + review.id() + " conflicts with main: "
                        + String.join("; ", result.conflicts()), result.conflicts());
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(result.tree());
            commit.setParentIds(head, candidate);
            commit.setAuthor(ident(actor));
            commit.setCommitter(new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC));
            commit.setMessage("Merge review " + review.id() + ": " + (review.title() == null ? "" : review.title())
                    + "\n\nReview: " + review.id() + "\nApproved-by: " + actor + "\n");
            if (signer != null) {
                signer.sign(commit);
            }
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        }
    }

    private Repository open(Review review) throws IOException {
        try {
            return repos.open(new RepoName(review.team(), review.target()));
        } catch (RepositoryNotFoundException e) {
            throw new MetaNotFoundException("target '" + review.target() + "' of review " + review.id()
                    + " no longer exists");
        }
    }

    private PersonIdent ident(String actor) {
        return new PersonIdent(actor, actor + "@flowstage", clock.instant(), ZoneOffset.UTC);
    }
}
