package dev.flowstage.web.api.devices;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/**
 * The device side of the API, for {@code apiResourceConfig.register(...)}: the endpoints a device calls
 * with its own token ({@code /devices/self...}), device SSH keys, and the status shown on
 * {@code GET /teams/{team}/devices/{name}} and {@code …/groups/{name}}.
 */
public final class DeviceApiFeature implements Feature {
    private final DeviceApi devices;

    public DeviceApiFeature(DeviceApi devices) {
        this.devices = devices;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(devices).to(DeviceApi.class);
            }
        });
        context.register(DeviceSelfResource.class);
        context.register(DeviceKeysResource.class);
        context.register(new DeviceStatusFilter(devices.fleet(), devices.teams()));
        return true;
    }
}
