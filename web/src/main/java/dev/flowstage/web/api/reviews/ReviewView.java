package dev.flowstage.web.api.reviews;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.diff.FlowDiffResult;
import dev.flowstage.hooks.review.ReviewDiff;
import dev.flowstage.storage.review.Approval;
import dev.flowstage.storage.review.Review;
import java.time.Instant;
import java.util.List;

/**
 * A review as the API shows it. When one review is asked for (not in lists) it carries its semantic diff
 * (SPEC §7): {@code diffAgainst} says whether that is what approving would change on {@code main}
 * ({@code "main"}) or what the review proposed against its base ({@code "base"}, for decided reviews and
 * for those that conflict with main); {@code conflicts} names what keeps it from merging. Every approval
 * shows its comment; {@code comment} is the rejection's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReviewView(long id, String target, String state, String title, String author, String candidate,
                         String base, Instant createdAt, Instant updatedAt, List<ApprovalView> approvals,
                         int requiredApprovals, String comment, String mergedCommit, String runId,
                         FlowDiffResult diff, String diffAgainst, List<String> conflicts) {
    /** One approval: who, when and the comment they gave with it (left out when none). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApprovalView(String user, Instant at, String comment) {
        static List<ApprovalView> of(List<Approval> approvals) {
            return approvals.stream().map(a -> new ApprovalView(a.user(), a.at(), a.comment())).toList();
        }
    }

    public static ReviewView of(Review r) {
        return new ReviewView(r.id(), r.target(), r.state().json(), r.title(), r.author(), r.candidate(), r.base(),
                r.createdAt(), r.updatedAt(), ApprovalView.of(r.approvals()), r.requiredApprovals(), r.comment(),
                r.mergedCommit(), r.runId(), null, null, null);
    }

    public static ReviewView of(Review r, ReviewDiff.Result diff) {
        if (diff == null) {
            return of(r);
        }
        return new ReviewView(r.id(), r.target(), r.state().json(), r.title(), r.author(), r.candidate(), r.base(),
                r.createdAt(), r.updatedAt(), ApprovalView.of(r.approvals()), r.requiredApprovals(), r.comment(),
                r.mergedCommit(), r.runId(), diff.diff(), diff.against(), diff.conflicts());
    }
}
