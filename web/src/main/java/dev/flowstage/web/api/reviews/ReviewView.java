package dev.flowstage.web.api.reviews;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.diff.FlowDiffResult;
import dev.flowstage.storage.review.Approval;
import dev.flowstage.storage.review.Review;
import java.time.Instant;
import java.util.List;

/**
 * A review as the API shows it; {@code diff} (candidate against the target's current {@code main}, SPEC §7)
 * is present when one review is asked for, not in lists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReviewView(long id, String target, String state, String title, String author, String candidate,
                         String base, Instant createdAt, Instant updatedAt, List<Approval> approvals,
                         int requiredApprovals, String comment, String mergedCommit, String runId,
                         FlowDiffResult diff) {
    public static ReviewView of(Review r) {
        return of(r, null);
    }

    public static ReviewView of(Review r, FlowDiffResult diff) {
        return new ReviewView(r.id(), r.target(), r.state().json(), r.title(), r.author(), r.candidate(), r.base(),
                r.createdAt(), r.updatedAt(), r.approvals(), r.requiredApprovals(), r.comment(), r.mergedCommit(),
                r.runId(), diff);
    }
}
