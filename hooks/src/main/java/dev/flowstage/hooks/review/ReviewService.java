package dev.flowstage.hooks.review;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides reviews (SPEC §4, §5): owners approve and reject. An approval by the same user counts once;
 * when a review has the approvals it needs, its candidate is applied to the target's {@code main}
 * ({@link ReviewApply}) and the review becomes {@link ReviewState#MERGED}. Decisions on one target are
 * serialized, so two owners approving at once apply the review exactly once.
 */
public final class ReviewService {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewService.class);

    private final ReviewStore reviews;
    private final AccessControl access;
    private final Clock clock;
    private final MainMovedListener mainMoved;
    private final ReviewApply apply;
    private final List<ReviewListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ApprovalPolicy> policies = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, ReentrantLock> targetLocks = new ConcurrentHashMap<>();

    public ReviewService(ReviewStore reviews, RepoStore repos, AccessControl access, Clock clock,
            MainMovedListener mainMoved) {
        this(reviews, repos, access, clock, mainMoved, null);
    }

    /**
     * With {@code signer} (nullable) signing the merge commits an approval writes: main of a group, a device or
     * an instance that deploys to devices must only ever hold signed commits, and a candidate that has to be
     * merged because main moved is a commit the server writes.
     */
    public ReviewService(ReviewStore reviews, RepoStore repos, AccessControl access, Clock clock,
            MainMovedListener mainMoved, dev.flowstage.storage.signing.CommitSignatures signer) {
        this.reviews = Objects.requireNonNull(reviews);
        this.access = Objects.requireNonNull(access);
        this.clock = Objects.requireNonNull(clock);
        this.mainMoved = Objects.requireNonNull(mainMoved);
        this.apply = new ReviewApply(Objects.requireNonNull(repos), clock, signer);
    }

    /** The store the reviews are read from and written to. */
    public ReviewStore store() {
        return reviews;
    }

    /** Registers a listener for merged and rejected reviews. */
    public void addListener(ReviewListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Registers a rule every approval must also pass. */
    public void addPolicy(ApprovalPolicy policy) {
        policies.add(Objects.requireNonNull(policy));
    }

    /** {@link #approve(String, long, Principal, String)} without a comment. */
    public Review approve(String team, long id, Principal principal) {
        return approve(team, id, principal, null);
    }

    /**
     * Records {@code principal}'s approval with an optional comment ({@link ReviewComment}) and applies the
     * review once it has enough. An owner who approved already is not counted again; a comment they give then
     * replaces the comment of their approval.
     * @throws MetaNotFoundException when the caller is not in the team or the review does not exist
     * @throws ReviewForbiddenException when the caller is not an owner (or uses a read-only token)
     * @throws InvalidReviewCommentException when the comment is too long or holds control characters
     * @throws ReviewConflictException when the review is decided already or conflicts with main
     */
    public Review approve(String team, long id, Principal principal, String comment) {
        String owner = requireOwner(principal, team, "approve");
        String text = ReviewComment.check(comment);
        Review review = existing(team, id);
        ReentrantLock lock = targetLocks.computeIfAbsent(team + "/" + review.target(), k -> new ReentrantLock());
        lock.lock();
        try {
            Review current = undecided(existing(team, id), "approved");
            for (ApprovalPolicy policy : policies) {
                Optional<String> why = policy.refusal(current, owner);
                if (why.isPresent()) {
                    throw new ReviewForbiddenException(why.get());
                }
            }
            Instant now = clock.instant();
            if (current.withApproval(owner, now).approvals().size() < current.requiredApprovals()) {
                return reviews.update(team, id, r -> undecided(r, "approved").withApproval(owner, now, text));
            }
            ReviewApply.Applied applied = apply.apply(current, owner);
            Review merged = reviews.update(team, id, r -> r.withApproval(owner, now, text).withState(ReviewState.MERGED)
                    .withMergedCommit(applied.commit()));
            if (applied.moved()) {
                notifyMainMoved(merged, applied, owner);
            }
            for (ReviewListener l : listeners) {
                try {
                    l.onMerged(merged, applied.commit());
                } catch (RuntimeException e) {
                    LOG.warn("review listener {} failed on merged review {} of {}", l, id, team, e);
                }
            }
            return merged;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rejects the review with an optional comment ({@link ReviewComment}); it stays in the list as rejected.
     * @throws MetaNotFoundException when the caller is not in the team or the review does not exist
     * @throws ReviewForbiddenException when the caller is not an owner (or uses a read-only token)
     * @throws InvalidReviewCommentException when the comment is too long or holds control characters
     * @throws ReviewConflictException when the review is decided already
     */
    public Review reject(String team, long id, Principal principal, String comment) {
        requireOwner(principal, team, "reject");
        String text = ReviewComment.check(comment);
        Review review = existing(team, id);
        ReentrantLock lock = targetLocks.computeIfAbsent(team + "/" + review.target(), k -> new ReentrantLock());
        lock.lock();
        try {
            Review rejected = reviews.update(team, id, r -> undecided(r, "rejected").withState(ReviewState.REJECTED)
                    .withComment(text));
            for (ReviewListener l : listeners) {
                try {
                    l.onRejected(rejected);
                } catch (RuntimeException e) {
                    LOG.warn("review listener {} failed on rejected review {} of {}", l, id, team, e);
                }
            }
            return rejected;
        } finally {
            lock.unlock();
        }
    }

    private void notifyMainMoved(Review review, ReviewApply.Applied applied, String actor) {
        try {
            mainMoved.onMainMoved(review.team(), review.target(), applied.oldMain(), applied.commit(), actor);
        } catch (RuntimeException e) {
            LOG.warn("main-moved listener failed for {}/{} at {}", review.team(), review.target(), applied.commit(), e);
        }
    }

    /** The caller's user name when they own the team; a non-member learns nothing about the team. */
    private String requireOwner(Principal principal, String team, String action) {
        Optional<Role> role = access.role(principal, team);
        if (role.isEmpty() || !(principal instanceof UserPrincipal user)) {
            throw new MetaNotFoundException("team '" + team + "' not found");
        }
        if (!role.get().atLeast(Role.OWNER)) {
            throw new ReviewForbiddenException("only owners of team '" + team + "' " + action + " reviews");
        }
        if (!user.scope().allows(TokenScope.WRITE)) {
            throw new ReviewForbiddenException("to " + action + " a review you need a token with write scope");
        }
        return user.name();
    }

    private Review existing(String team, long id) {
        return reviews.get(team, id).orElseThrow(() -> new MetaNotFoundException(
                "review " + id + " does not exist in team '" + team + "'"));
    }

    private static Review undecided(Review r, String verb) {
        if (r.state().isFinal()) {
            throw new ReviewConflictException("review " + r.id() + " is " + r.state().json() + " and can no longer be "
                    + verb, List.of());
        }
        return r;
    }
}
