package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an accepted push to {@code refs/for/main} into a review (Gerrit style): the pushed commit is the
 * candidate, the current {@code main} the base, the commit subject the title. The command is marked done
 * here, so ReceivePack never creates a {@code refs/for/main} ref; the candidate is kept at
 * {@code refs/reviews/ID} by the store.
 */
final class ReviewPush {
    /** Approvals a review opened by a push needs. */
    static final int REQUIRED_APPROVALS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(ReviewPush.class);

    private final ReviewStore reviews;
    private final Principal principal;
    private final RepoName repo;

    ReviewPush(ReviewStore reviews, Principal principal, RepoName repo) {
        this.reviews = reviews;
        this.principal = principal;
        this.repo = repo;
    }

    /** Opens the review and marks {@code cmd} OK; answers why not when the review cannot be opened. */
    Optional<String> open(ReceivePack rp, RevWalk walk, ReceiveCommand cmd) throws IOException {
        RevCommit candidate = walk.parseCommit(cmd.getNewId());
        Ref main = rp.getRepository().exactRef(PushRules.MAIN);
        if (main != null && main.getObjectId() != null
                && walk.isMergedInto(candidate, walk.parseCommit(main.getObjectId()))) {
            return Optional.of("flowstage: nothing to review: " + candidate.abbreviate(7).name() + " is already on main");
        }
        String title = candidate.getShortMessage();
        Optional<Review> same = reviews.list(repo.team(), ReviewState.OPEN).stream()
                .filter(r -> r.target().equals(repo.name()) && r.candidate().equals(candidate.name()))
                .findFirst();
        if (same.isPresent()) {
            return Optional.of("flowstage: review " + same.get().id() + " already proposes " + candidate.abbreviate(7).name());
        }
        Review review;
        try {
            review = reviews.open(repo.team(), repo.name(), candidate.name(),
                    main == null || main.getObjectId() == null ? null : main.getObjectId().name(),
                    principal.displayName(), title, REQUIRED_APPROVALS, null);
        } catch (MetaNotFoundException | MetaInvalidException | MetaConflictException e) {
            return Optional.of("flowstage: the review could not be opened: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("opening a review for {} failed", repo, e);
            return Optional.of("flowstage: the review could not be opened, try again");
        }
        cmd.setResult(ReceiveCommand.Result.OK);
        rp.sendMessage("flowstage: review " + review.id() + " opened for " + repo + ": " + title);
        return Optional.empty();
    }
}
