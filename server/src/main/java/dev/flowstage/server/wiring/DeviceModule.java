package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.devices.ActiveCommits;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.devices.DeviceWatches;
import dev.flowstage.hooks.devices.SentCommits;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.web.api.devices.DeviceApi;
import dev.flowstage.web.api.devices.DeviceApiFeature;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Device statuses (kept in DATA/devices/status.json), the long-poll watch and the device API. */
@Module
public interface DeviceModule {
    @Provides
    @Singleton
    static DeviceStatusStore deviceStatusStore(ServerConfig config, EventBus events, Clock clock, TeamStore teams) {
        return new DeviceStatusStore(config.dataDir().resolve("devices").resolve("status.json"), events, clock,
                DeviceStatusStore.DEFAULT_FLUSH_EVERY,
                (team, device) -> teams.team(team).map(c -> c.targets().get(device))
                        .filter(t -> t.kind() == TargetKind.DEVICE).isPresent());
    }

    /** What pipelines ask for "what the device last reported running". */
    @Provides
    @Singleton
    static ActiveCommits activeCommits(DeviceStatusStore statuses) {
        return statuses;
    }

    /** Registered as it is made: every main-moved notification wakes the device's watchers. */
    @Provides
    @Singleton
    static DeviceWatches deviceWatches(RepoStore repos, MainMovedListeners mainMoved, MeterRegistry metrics) {
        DeviceWatches watches = new DeviceWatches(repos, DeviceWatches.DEFAULT_RECHECK_EVERY);
        mainMoved.add(watches);
        Gauge.builder("flowstage.device.watchers", watches, DeviceWatches::waiting)
                .description("Devices waiting in the long-poll watch").register(metrics);
        return watches;
    }

    @Provides
    @Singleton
    static DeviceApiFeature deviceApiFeature(DeviceStatusStore statuses, RepoStore repos, DeviceWatches watches,
                                             TeamStore teams, Clock clock) {
        return new DeviceApiFeature(new DeviceApi(statuses, new SentCommits(repos), watches,
                new DeviceFleet(repos, statuses, clock, DeviceFleet.DEFAULT_OFFLINE_AFTER), teams));
    }
}
