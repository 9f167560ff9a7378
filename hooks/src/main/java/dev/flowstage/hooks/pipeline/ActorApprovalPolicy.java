package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.review.ApprovalPolicy;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStore;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code approval.excludeActor} on a stage: the review a run opens to deploy into that stage must be
 * approved by owners other than the run's actor (four-eyes).
 */
public final class ActorApprovalPolicy implements ApprovalPolicy {
    private final RunStore runs;
    private final PipelineStore pipelines;

    public ActorApprovalPolicy(RunStore runs, PipelineStore pipelines) {
        this.runs = Objects.requireNonNull(runs);
        this.pipelines = Objects.requireNonNull(pipelines);
    }

    @Override
    public Optional<String> refusal(Review review, String approver) {
        if (review.runId() == null) {
            return Optional.empty();
        }
        Optional<Run> run = runs.get(review.team(), review.runId());
        if (run.isEmpty() || !approver.equals(run.get().actor())) {
            return Optional.empty();
        }
        boolean excluded = pipelines.get(review.team(), run.get().pipeline())
                .flatMap(p -> p.next(run.get().stage()))
                .map(Stage::approvalExcludesActor)
                .orElse(false);
        return excluded
                ? Optional.of(approver + " started run " + run.get().id() + " and may not approve it: stage '"
                        + run.get().target() + "' needs the approval of other owners (approval.excludeActor)")
                : Optional.empty();
    }
}
