package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.nodered.FlowCapture;
import dev.flowstage.hooks.nodered.NodeRedException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamStore;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * {@code create_snapshot} through the live Node-RED integration: an instance with {@code nodeRed} set is
 * captured by {@link FlowCapture} as snapshot {@code pipeline-run-RUNID} (a tag, and a commit on main
 * when the live flows differ); an instance without one has nothing live to capture.
 */
public final class NodeRedLiveCapture implements LiveCapture {
    private final TeamStore teams;
    private final FlowCapture capture;
    private final Clock clock;

    public NodeRedLiveCapture(TeamStore teams, FlowCapture capture, Clock clock) {
        this.teams = teams;
        this.capture = capture;
        this.clock = clock;
    }

    @Override
    public Optional<ObjectId> capture(String team, String instance, String runId, String actor) throws IOException {
        Target target = teams.team(team).map(c -> c.targets().get(instance)).orElse(null);
        if (target == null || target.nodeRed() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(capture.capture(team, target, "pipeline-run-" + runId,
                    "Snapshot for pipeline run " + runId, new PersonIdent(actor, actor + "@flowstage", clock.instant(),
                            ZoneOffset.UTC)).commit());
        } catch (NodeRedException e) {
            throw new MetaInvalidException("cannot capture the live flows of instance '" + instance + "': "
                    + e.getMessage());
        }
    }
}
