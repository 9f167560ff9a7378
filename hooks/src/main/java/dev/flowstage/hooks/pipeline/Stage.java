package dev.flowstage.hooks.pipeline;

/**
 * One stage of a pipeline. {@code target} is the instance, device or group name (null for a git stage);
 * {@code action} is null for group and git stages and for the last stage (and defaults to the
 * latest snapshot elsewhere); {@code requiredApprovals} is 0
 * when the stage asks for none; {@code approvalExcludesActor} ({@code approval.excludeActor}) means the
 * approvals must come from owners other than the run's actor. Nullable: target, action, trigger, git, rollout.
 */
public record Stage(String name, StageKind kind, String target, String action, int requiredApprovals,
        boolean deployToDevices, StageTrigger trigger, GitStage git, Rollout rollout, boolean approvalExcludesActor) {
    /** A stage whose approvals may come from the run's own actor too. */
    public Stage(String name, StageKind kind, String target, String action, int requiredApprovals,
            boolean deployToDevices, StageTrigger trigger, GitStage git, Rollout rollout) {
        this(name, kind, target, action, requiredApprovals, deployToDevices, trigger, git, rollout, false);
    }

    /** The action a deploy of this stage takes: its own, else the kind's default (the latest snapshot). */
    public String effectiveAction() {
        if (action != null || kind.actions().isEmpty()) {
            return action;
        }
        return kind == StageKind.INSTANCE ? "use_latest_snapshot" : "use_latest_device_snapshot";
    }

    public Stage withAction(String newAction) {
        return new Stage(name, kind, target, newAction, requiredApprovals, deployToDevices, trigger, git, rollout,
                approvalExcludesActor);
    }
}
