package dev.flowstage.storage.review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A proposed change to a target's {@code main}: {@code candidate} is the commit at {@code refs/reviews/ID}
 * in the target repo, {@code base} the {@code main} it was opened against. {@code runId} names a pipeline
 * run waiting on it, {@code comment} the rejection comment (each {@link Approval} carries its own),
 * {@code mergedCommit} what landed on main;
 * each may be null.
 */
public record Review(long id, String team, String target, ReviewState state, String candidate, String base,
        String author, String title, Instant createdAt, Instant updatedAt, List<Approval> approvals,
        int requiredApprovals, String runId, String comment, String mergedCommit) {
    public Review {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
    }

    /** The ref in the target repo holding the candidate commit. */
    public static String refName(long id) {
        return "refs/reviews/" + id;
    }

    public boolean hasApproved(String user) {
        return approvals.stream().anyMatch(a -> a.user().equals(user));
    }

    /** The with* methods leave {@code updatedAt} alone: the store stamps it when it writes a change. */
    public Review withState(ReviewState s) {
        return new Review(id, team, target, s, candidate, base, author, title, createdAt, updatedAt, approvals,
                requiredApprovals, runId, comment, mergedCommit);
    }

    /** Adds {@code user}'s approval without a comment unless it is already there. */
    public Review withApproval(String user, Instant at) {
        return withApproval(user, at, null);
    }

    /**
     * Adds {@code user}'s approval with {@code approvalComment} (may be null). A user's approval counts once:
     * when they approved already, a non-null comment replaces the comment of that approval (its time stays)
     * and a null one changes nothing.
     */
    public Review withApproval(String user, Instant at, String approvalComment) {
        List<Approval> next = new ArrayList<>(approvals);
        boolean found = false;
        for (int i = 0; i < next.size(); i++) {
            Approval a = next.get(i);
            if (a.user().equals(user)) {
                found = true;
                if (approvalComment == null || approvalComment.equals(a.comment())) {
                    return this;
                }
                next.set(i, new Approval(a.user(), a.at(), approvalComment));
            }
        }
        if (!found) {
            next.add(new Approval(user, at, approvalComment));
        }
        return new Review(id, team, target, state, candidate, base, author, title, createdAt, updatedAt, next,
                requiredApprovals, runId, comment, mergedCommit);
    }

    public Review withComment(String c) {
        return new Review(id, team, target, state, candidate, base, author, title, createdAt, updatedAt, approvals,
                requiredApprovals, runId, c, mergedCommit);
    }

    public Review withMergedCommit(String sha) {
        return new Review(id, team, target, state, candidate, base, author, title, createdAt, updatedAt, approvals,
                requiredApprovals, runId, comment, sha);
    }

    public Review withRunId(String run) {
        return new Review(id, team, target, state, candidate, base, author, title, createdAt, updatedAt, approvals,
                requiredApprovals, run, comment, mergedCommit);
    }

    Review withCandidate(String sha, String newBase) {
        return new Review(id, team, target, state, sha, newBase, author, title, createdAt, updatedAt, approvals,
                requiredApprovals, runId, comment, mergedCommit);
    }

    Review withUpdatedAt(Instant at) {
        return new Review(id, team, target, state, candidate, base, author, title, createdAt, at, approvals,
                requiredApprovals, runId, comment, mergedCommit);
    }
}
