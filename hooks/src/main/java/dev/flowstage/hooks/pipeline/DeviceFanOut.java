package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.run.Run;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run's commit does to devices once it is on its target's main: into a group, every member device
 * follows the group's main; into an instance stage with {@code deployToDevices}, every device connected to the
 * instance gets the same commit. Idempotent (devices already there are left alone), so start-up recovery and
 * review approvals call it as well as the executor.
 */
final class DeviceFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceFanOut.class);

    /** The run's log lines about devices, and the reason the run failed when moving them failed (else null). */
    record Outcome(List<String> lines, String failure) {
        static final Outcome NONE = new Outcome(List.of(), null);
    }

    private final TeamStore teams;
    private final Fleet fleet;

    /** {@code fleet} null: no devices are moved (an engine without devices, in tests). */
    DeviceFanOut(TeamStore teams, Fleet fleet) {
        this.teams = teams;
        this.fleet = fleet;
    }

    Outcome after(Run r, ObjectId commit) {
        if (fleet == null) {
            return Outcome.NONE;
        }
        Optional<TeamConfig> config = teams.team(r.team());
        Target target = config.map(c -> c.targets().get(r.target())).orElse(null);
        if (target == null) {
            return Outcome.NONE;
        }
        String reason = "pipeline " + r.pipeline() + " run " + r.id();
        try {
            if (target.kind() == TargetKind.GROUP) {
                Fleet.FanOut f = fleet.deployGroup(r.team(), target.name(), r.actor(), reason);
                return new Outcome(List.of("Fan-out: " + f.describe("of group " + target.name())), null);
            }
            if (target.kind() == TargetKind.INSTANCE && deploysToDevices(config.get(), r)) {
                Fleet.FanOut f = fleet.deployToInstanceDevices(r.team(), target.name(), commit, r.actor(), reason);
                return new Outcome(List.of("deployToDevices: " + f.describe("connected to instance " + target.name())),
                        null);
            }
            return Outcome.NONE;
        } catch (IOException | RuntimeException e) {
            LOG.error("moving the devices of {}/{} after run {} failed", r.team(), r.target(), r.id(), e);
            return new Outcome(List.of(), "main of " + r.target() + " is now " + commit.abbreviate(7).name()
                    + ", but moving its devices failed (" + e.getClass().getSimpleName() + "); deploy again to retry");
        }
    }

    private static boolean deploysToDevices(TeamConfig config, Run r) {
        return ConfigPipelineStore.read(config, r.pipeline()).flatMap(p -> p.stages().stream()
                .filter(s -> r.target().equals(s.target()) && s.kind() == StageKind.INSTANCE).findFirst())
                .map(Stage::deployToDevices).orElse(false);
    }
}
