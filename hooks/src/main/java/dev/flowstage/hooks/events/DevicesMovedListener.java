package dev.flowstage.hooks.events;

import java.util.List;

/**
 * Observes the server moving device {@code main}s by fan-out (a group deploy, deployToDevices, a device
 * joining a group, later a rollout wave or its put-back): one call per batch, not per device, since a
 * group may hold thousands. Called on the thread that moved them, after the refs moved: return quickly.
 */
@FunctionalInterface
public interface DevicesMovedListener {
    DevicesMovedListener NONE = (team, moves, actor) -> { };

    /** One device's main moved from {@code oldSha} (null: it had none) to {@code newSha}. */
    record DeviceMove(String device, String oldSha, String newSha) {}

    void onDevicesMoved(String team, List<DeviceMove> moves, String actor);
}
