package dev.flowstage.web.api.overview;

import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.nodered.InstanceStatus;

/**
 * The one word the overview shows per target: {@code deployed} (it runs its {@code main}), {@code pending}
 * (it has not caught up yet), {@code error} (its last deployment or report failed), {@code offline} (a device
 * that has not reported lately) or {@code none} (nothing to run it on, or nothing to run yet).
 */
enum TargetState {
    DEPLOYED, PENDING, ERROR, OFFLINE, NONE;

    String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** An instance: what its live Node-RED last did; without a Node-RED link or a {@code main} there is nothing to run. */
    static TargetState ofInstance(boolean linked, String main, InstanceStatus status) {
        if (!linked || main == null) {
            return NONE;
        }
        if (status == null) {
            return PENDING;
        }
        if (!status.ok()) {
            return ERROR;
        }
        return main.equals(status.deployedCommit()) ? DEPLOYED : PENDING;
    }

    /** A device, counted as the group summary counts it: offline first, then error, then on target. */
    static TargetState ofDevice(DeviceFleet.DeviceView d) {
        if (!d.online()) {
            return OFFLINE;
        }
        if ("error".equals(d.state())) {
            return ERROR;
        }
        if ("running".equals(d.state()) && d.targetCommit() != null && d.targetCommit().equals(d.activeCommit())) {
            return DEPLOYED;
        }
        return PENDING;
    }

    /** A group: deployed when every device is on target, error when any failed, offline when all are. */
    static TargetState ofGroup(DeviceFleet.GroupSummary s) {
        if (s.total() == 0) {
            return NONE;
        }
        if (s.error() > 0) {
            return ERROR;
        }
        if (s.onTarget() == s.total()) {
            return DEPLOYED;
        }
        return s.offline() == s.total() ? OFFLINE : PENDING;
    }
}
