package dev.flowstage.hooks.devices;

import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a device last reported {@code running}: the commit its Node-RED runs, as far as the server
 * knows. Pipelines use it for the {@code use_active_snapshot} action. Empty when the device never
 * reported {@code running} (or the server forgot it, see {@link DeviceStatusStore}).
 */
public interface ActiveCommits {
    ActiveCommits NONE = (team, device) -> Optional.empty();

    Optional<ObjectId> active(String team, String device);
}
