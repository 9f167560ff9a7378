package dev.flowstage.hooks.events;

import dev.flowstage.storage.review.Approval;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link ReviewStore} that publishes a {@code review} event when a review opens, gets an approval (or an
 * approver's comment changes) or changes state (approved, rejected, merged, abandoned), after the change is
 * stored. The event's {@code actor} is the approver for an approval, else the review's author. Comments
 * (of approvals and of rejections) are not in events: a listener reads the review for them.
 */
public final class ReviewEventsStore implements ReviewStore {
    private final ReviewStore delegate;
    private final EventPublisher events;
    private final Clock clock;

    public ReviewEventsStore(ReviewStore delegate, EventPublisher events, Clock clock) {
        this.delegate = delegate;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Review open(String team, String target, String candidateSha, String baseSha, String author, String title,
                       int requiredApprovals, String runId) {
        Review r = delegate.open(team, target, candidateSha, baseSha, author, title, requiredApprovals, runId);
        publish(r, r.state().json(), r.author());
        return r;
    }

    @Override
    public Review update(String team, long id, UnaryOperator<Review> edit) {
        Review[] before = new Review[1];
        Review after = delegate.update(team, id, current -> {
            before[0] = current;
            return edit.apply(current);
        });
        Review b = before[0];
        if (b == null || b.state() != after.state()) {
            publish(after, after.state().json(), after.author());
        } else if (after.state() == ReviewState.OPEN) {
            Approval added = changedApproval(b, after);
            if (added != null) {
                publish(after, "approval", added.user());
            }
        }
        return after;
    }

    /** The approval that is new in {@code after}, or whose comment changed; null when there is none. */
    private static Approval changedApproval(Review before, Review after) {
        for (int i = after.approvals().size() - 1; i >= 0; i--) {
            Approval a = after.approvals().get(i);
            if (!before.approvals().contains(a)) {
                return a;
            }
        }
        return null;
    }

    private void publish(Review r, String state, String actor) {
        events.publish(FlowstageEvent.review(r.team(), r.target(), String.valueOf(r.id()), state, actor,
                clock.instant()));
    }

    @Override
    public Optional<Review> get(String team, long id) {
        return delegate.get(team, id);
    }

    @Override
    public List<Review> list(String team, ReviewState stateOrNull) {
        return delegate.list(team, stateOrNull);
    }

    @Override
    public Review replaceCandidate(String team, long id, String newSha, String newBaseOrNull) {
        return delegate.replaceCandidate(team, id, newSha, newBaseOrNull);
    }
}
