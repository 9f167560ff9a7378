package dev.flowstage.web.api.devices;

import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.devices.DeviceWatches;
import dev.flowstage.hooks.devices.SentCommits;
import dev.flowstage.storage.meta.TeamStore;
import java.util.Objects;

/** What the device endpoints need beyond {@link dev.flowstage.web.api.ApiServices}: statuses, watches, views. */
public record DeviceApi(DeviceStatusStore statuses, SentCommits sent, DeviceWatches watches, DeviceFleet fleet,
                        TeamStore teams) {
    public DeviceApi {
        Objects.requireNonNull(statuses);
        Objects.requireNonNull(sent);
        Objects.requireNonNull(watches);
        Objects.requireNonNull(fleet);
        Objects.requireNonNull(teams);
    }
}
