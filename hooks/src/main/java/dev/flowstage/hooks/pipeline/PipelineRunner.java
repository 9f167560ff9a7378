package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.run.Run;
import java.util.Optional;

/**
 * Starts pipeline deploys: the one entry point for the API, webhooks, push triggers and schedules.
 * A deploy of stage <i>i</i> promotes the snapshot its action chooses into stage <i>i+1</i>'s target as
 * a run that executes asynchronously; the returned run is {@code queued}.
 */
public interface PipelineRunner {
    /** Triggers: the REST API, the pipeline's webhook, a push to the stage's target, a cron schedule. */
    String API = "api";
    String WEBHOOK = "webhook";
    String PUSH = "push";
    String SCHEDULE = "schedule";

    /**
     * Queues a deploy of {@code stage}. For the {@code api} and {@code push} triggers {@code actor} must
     * be a team member allowed to run the stage (SPEC §4: members and owners into an unprotected target,
     * owners only into a protected one); {@code webhook} and {@code schedule} are authorized by the
     * pipeline's own configuration and {@code actor} only names them in the run.
     *
     * @param snapshotSha the snapshot (a commit on the source's {@code main}) for a {@code prompt_snapshot}
     *     stage; must be empty for the other actions
     * @throws dev.flowstage.storage.meta.MetaNotFoundException unknown team, pipeline or stage (404)
     * @throws PipelineForbiddenException the actor may not run this stage (403)
     * @throws dev.flowstage.storage.meta.MetaConflictException concurrency {@code forbid} and a run of the
     *     pipeline is queued, running or awaiting approval (409)
     * @throws dev.flowstage.storage.meta.MetaInvalidException the stage is the last one, its next stage is of
     *     a kind not supported yet, or the snapshot is missing, unexpected or not the source's (422)
     */
    Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            String trigger);
}
