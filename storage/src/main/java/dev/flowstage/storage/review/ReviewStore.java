package dev.flowstage.storage.review;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A team's reviews, kept in its {@code _config.git} on {@code refs/meta/reviews} (files
 * {@code reviews/ID.json} and {@code next-id}); each review's candidate commit is also held by
 * {@code refs/reviews/ID} in the target's repo. Ids are team-wide: 1, 2, 3, ...
 */
public interface ReviewStore {
    String META_REF = "refs/meta/reviews";

    /**
     * Allocates the next id, records an {@link ReviewState#OPEN} review and points {@code refs/reviews/ID}
     * in the target repo at {@code candidateSha} (whose objects must already be there).
     * {@code runId} may be null.
     * @throws dev.flowstage.storage.meta.MetaNotFoundException when the team or target repo does not exist
     * @throws dev.flowstage.storage.meta.MetaInvalidException when the candidate is not a commit of the target repo
     */
    Review open(String team, String target, String candidateSha, String baseSha, String author, String title,
            int requiredApprovals, String runId);

    Optional<Review> get(String team, long id);

    /** Newest first; {@code stateOrNull} filters by state. An unknown team has no reviews. */
    List<Review> list(String team, ReviewState stateOrNull);

    /**
     * Applies {@code edit} to the current review and stores the result (re-applied on a concurrent change;
     * {@code edit} may throw to refuse). Id, team, target and candidate cannot change here; the store
     * stamps {@code updatedAt} when the review changed.
     * @throws dev.flowstage.storage.meta.MetaNotFoundException for an unknown review
     */
    Review update(String team, long id, UnaryOperator<Review> edit);

    /** Makes {@code newSha} the candidate and moves {@code refs/reviews/ID} to it; the base stays. */
    default Review replaceCandidate(String team, long id, String newSha) {
        return replaceCandidate(team, id, newSha, null);
    }

    /**
     * Makes {@code newSha} the candidate (e.g. rebuilt on a moved {@code main}) and moves
     * {@code refs/reviews/ID} to it. {@code newBaseOrNull} replaces the base when not null.
     * @throws dev.flowstage.storage.meta.MetaInvalidException when {@code newSha} is not a commit of the target repo
     */
    Review replaceCandidate(String team, long id, String newSha, String newBaseOrNull);
}
