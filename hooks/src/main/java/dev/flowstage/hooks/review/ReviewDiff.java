package dev.flowstage.hooks.review;

import dev.flowstage.hooks.diff.FlowDiff;
import dev.flowstage.hooks.diff.FlowDiffResult;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.snapshot.InvalidSnapshotException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * The semantic diff (SPEC §7) a review is shown with: for an open review, what approving it would do to the
 * target's current {@code main} (main against the candidate, or against the node-level merge when main has
 * moved on); when that merge conflicts, and for decided reviews, what the review proposed (its base
 * against its candidate). Writes nothing. Thread-safe.
 */
public final class ReviewDiff {
    /** Against what the diff was taken: {@link #MAIN} or {@link #BASE}. */
    public static final String MAIN = "main";
    public static final String BASE = "base";
    private static final List<String> DIFFED = List.of(SnapshotFiles.FLOWS, SnapshotFiles.PACKAGE, SnapshotFiles.ENV);

    /** {@code conflicts} lists what keeps the review from merging cleanly (empty when nothing does). */
    public record Result(FlowDiffResult diff, String against, List<String> conflicts) {}

    private final RepoStore repos;
    private final FlowDiff flowDiff = new FlowDiff();
    private final FlowsMerge flowsMerge = new FlowsMerge();

    public ReviewDiff(RepoStore repos) {
        this.repos = repos;
    }

    /**
     * The two sides a review's diff is taken between: {@code before} is main (or the review's base),
     * {@code after} what main would become (or what the review proposed); {@code against} and
     * {@code conflicts} as in {@link Result}.
     */
    public record Sides(Snapshot before, Snapshot after, String against, List<String> conflicts) {}

    /**
     * The review's diff; empty when its target or commits can no longer be read as snapshots.
     * @throws IOException when the repository cannot be read
     */
    public Optional<Result> of(Review review) throws IOException {
        Optional<Sides> sides = sides(review);
        if (sides.isEmpty()) {
            return Optional.empty();
        }
        Sides s = sides.get();
        try {
            return Optional.of(new Result(flowDiff.compare(s.before(), s.after()), s.against(), s.conflicts()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The snapshots the review's diff compares (for drawing both sides); empty when its target or commits
     * can no longer be read as snapshots.
     * @throws IOException when the repository cannot be read
     */
    public Optional<Sides> sides(Review review) throws IOException {
        try (Repository repo = repos.open(new RepoName(review.team(), review.target()));
             RevWalk walk = new RevWalk(repo)) {
            RevCommit candidate = walk.parseCommit(ObjectId.fromString(review.candidate()));
            Snapshot proposed = SnapshotReader.read(repo, candidate);
            Snapshot base = review.base() == null ? Snapshot.EMPTY
                    : SnapshotReader.read(repo, ObjectId.fromString(review.base()));
            Ref mainRef = repo.exactRef(ReviewApply.MAIN);
            if (review.state().isFinal() || mainRef == null && review.base() != null) {
                return Optional.of(new Sides(base, proposed, BASE, List.of()));
            }
            if (mainRef == null) {
                return Optional.of(new Sides(Snapshot.EMPTY, proposed, MAIN, List.of()));
            }
            RevCommit main = walk.parseCommit(mainRef.getObjectId());
            Snapshot onMain = SnapshotReader.read(repo, main);
            if (walk.isMergedInto(candidate, main)) {
                return Optional.of(new Sides(onMain, onMain, MAIN, List.of()));
            }
            if (walk.isMergedInto(main, candidate)) {
                return Optional.of(new Sides(onMain, proposed, MAIN, List.of()));
            }
            Snapshot mergeBase = mergeBase(repo, walk, main, candidate);
            List<String> conflicts = new ArrayList<>();
            Snapshot merged = merge(mergeBase, onMain, proposed, conflicts);
            if (!conflicts.isEmpty()) {
                return Optional.of(new Sides(mergeBase, proposed, BASE, List.copyOf(conflicts)));
            }
            return Optional.of(new Sides(onMain, merged, MAIN, List.of()));
        } catch (RepositoryNotFoundException | MissingObjectException | InvalidSnapshotException
                 | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Snapshot mergeBase(Repository repo, RevWalk walk, RevCommit a, RevCommit b) throws IOException {
        try (RevWalk bases = new RevWalk(walk.getObjectReader())) {
            bases.setRevFilter(RevFilter.MERGE_BASE);
            bases.markStart(bases.parseCommit(a));
            bases.markStart(bases.parseCommit(b));
            RevCommit base = bases.next();
            return base == null ? Snapshot.EMPTY : SnapshotReader.read(repo, base);
        }
    }

    /** Main with the files the diff looks at merged as an approval would merge them. */
    private Snapshot merge(Snapshot base, Snapshot ours, Snapshot theirs, List<String> conflicts) {
        Snapshot merged = ours;
        for (String file : DIFFED) {
            byte[] b = base.bytes(file).orElse(null);
            byte[] o = ours.bytes(file).orElse(null);
            byte[] t = theirs.bytes(file).orElse(null);
            byte[] result;
            if (Arrays.equals(o, t) || Arrays.equals(b, t)) {
                result = o;
            } else if (Arrays.equals(b, o)) {
                result = t;
            } else if (file.equals(SnapshotFiles.FLOWS)) {
                FlowsMerge.Result r = flowsMerge.merge(b, o, t);
                conflicts.addAll(r.conflicts());
                result = r.flows();
            } else {
                conflicts.add("file " + file + " changed on both sides");
                result = o;
            }
            merged = result == null ? merged.without(file) : merged.with(file, result);
        }
        return merged;
    }
}
