package dev.flowstage.web.api.devices;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.web.api.targets.TargetView;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.io.IOException;
import java.time.Instant;

/**
 * Adds the live status to a device's or group's answer of {@code GET /teams/{team}/devices/{name}} and
 * {@code …/groups/{name}}: a device gets {@code targetCommit, activeCommit, reportedCommit, state,
 * message, lastSeen, online}, a group {@code summary: {onTarget, behind, error, offline, total}}. Done
 * here, after the targets resource answered (it already checked the caller may read the team), so the
 * status stays out of the team configuration code.
 */
final class DeviceStatusFilter implements ContainerResponseFilter {
    /** A device's view with its status fields beside the target's. */
    record DeviceWithStatus(@JsonUnwrapped TargetView target, String targetCommit, String activeCommit,
                            String reportedCommit, String state, String message, Instant lastSeen,
                            boolean online) {}

    /** A group's view with its devices' summary. */
    record GroupWithSummary(@JsonUnwrapped TargetView target, DeviceFleet.GroupSummary summary) {}

    private final DeviceFleet fleet;
    private final TeamStore teams;

    DeviceStatusFilter(DeviceFleet fleet, TeamStore teams) {
        this.fleet = fleet;
        this.teams = teams;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) throws IOException {
        if (!HttpMethod.GET.equals(request.getMethod()) || response.getStatus() != 200
                || !(response.getEntity() instanceof TargetView view)) {
            return;
        }
        String team = request.getUriInfo().getPathParameters().getFirst("team");
        if (team == null) {
            return;
        }
        switch (view.kind()) {
            case "device" -> {
                DeviceFleet.DeviceView d = fleet.device(team, view.name());
                response.setEntity(new DeviceWithStatus(view, d.targetCommit(), d.activeCommit(), d.reportedCommit(),
                        d.state(), d.message(), d.lastSeen(), d.online()));
            }
            case "group" -> {
                TeamConfig config = teams.team(team).orElse(null);
                if (config != null) {
                    response.setEntity(new GroupWithSummary(view, fleet.group(config, view.name())));
                }
            }
            default -> { }
        }
    }
}
