package dev.flowstage.hooks.pipeline;

/**
 * One stage of a pipeline. {@code target} is the instance, device or group name (null for a git stage);
 * {@code action} is null for group and git stages and for the last stage; {@code requiredApprovals} is 0
 * when the stage asks for none. Nullable: target, action, trigger, git, rollout.
 */
public record Stage(String name, StageKind kind, String target, String action, int requiredApprovals,
        boolean deployToDevices, StageTrigger trigger, GitStage git, Rollout rollout) {}
