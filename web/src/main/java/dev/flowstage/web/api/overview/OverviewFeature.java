package dev.flowstage.web.api.overview;

import dev.flowstage.hooks.devices.DeviceFleet;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/** The team overview ({@code GET /teams/{team}/overview}), for {@code apiResourceConfig.register(...)}. */
public final class OverviewFeature implements Feature {
    private final DeviceFleet fleet;

    public OverviewFeature(DeviceFleet fleet) {
        this.fleet = fleet;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(fleet).to(DeviceFleet.class);
            }
        });
        context.register(TeamOverviewResource.class);
        return true;
    }
}
