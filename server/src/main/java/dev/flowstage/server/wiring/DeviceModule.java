package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.devices.ActiveCommits;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.devices.DeviceWatches;
import dev.flowstage.hooks.devices.SentCommits;
import dev.flowstage.hooks.events.DevicesMovedListeners;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TargetListeners;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.storage.signing.SigningKey;
import dev.flowstage.web.api.devices.DeviceApi;
import dev.flowstage.web.api.devices.DeviceApiFeature;
import dev.flowstage.web.api.signing.SigningKeyFeature;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * Devices and groups: the fleet that moves device mains over shared objects, the listeners told of target
 * changes (joins and leaves), the server's OpenPGP key that signs what devices run
 * ({@code DATA/signing/server-key.asc}, generated on first start, owner-only), device statuses (kept in
 * {@code DATA/devices/status.json}), the long-poll watch and the device API.
 */
@Module
public interface DeviceModule {
    /** Where the signing key lives under the data dir. */
    String SIGNING_KEY = "signing/server-key.asc";

    @Provides
    @Singleton
    static TargetListeners targetListeners() {
        return new TargetListeners();
    }

    @Provides
    @Singleton
    static DevicesMovedListeners devicesMovedListeners() {
        return new DevicesMovedListeners();
    }

    /** Registered as it is made: devices follow group and instance changes from then on. */
    @Provides
    @Singleton
    static Fleet fleet(TeamStore teams, RepoStore repos, TargetListeners listeners, DevicesMovedListeners moved) {
        Fleet fleet = new Fleet(teams, repos, moved);
        listeners.add(fleet);
        return fleet;
    }

    @Provides
    @Singleton
    static SigningKey signingKey(ServerConfig config, Clock clock) {
        try {
            return SigningKey.loadOrCreate(config.dataDir().resolve(SIGNING_KEY),
                    "Flowstage deploy signing key <flowstage@" + config.publicHost() + ">", clock.instant());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provides
    @Singleton
    static CommitSignatures commitSignatures(SigningKey key, Clock clock) {
        return new CommitSignatures(key, clock);
    }

    @Provides
    @Singleton
    static SigningKeyFeature signingKeyApi(SigningKey key) {
        return new SigningKeyFeature(new SigningKeyFeature.PublicKey(key.armoredPublicKey(), key.fingerprint()));
    }

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

    /** Registered as it is made: every main-moved notification and fan-out batch wakes the device's watchers. */
    @Provides
    @Singleton
    static DeviceWatches deviceWatches(RepoStore repos, MainMovedListeners mainMoved, DevicesMovedListeners fanOut,
                                       MeterRegistry metrics) {
        DeviceWatches watches = new DeviceWatches(repos, DeviceWatches.DEFAULT_RECHECK_EVERY);
        mainMoved.add(watches);
        fanOut.add(watches);
        Gauge.builder("flowstage.device.watchers", watches, DeviceWatches::waiting)
                .description("Devices waiting in the long-poll watch").register(metrics);
        return watches;
    }

    @Provides
    @Singleton
    static DeviceApiFeature deviceApiFeature(DeviceStatusStore statuses, RepoStore repos, DeviceWatches watches,
                                             TeamStore teams, DeviceFleet fleet) {
        return new DeviceApiFeature(new DeviceApi(statuses, new SentCommits(repos), watches, fleet, teams));
    }

    @Provides
    @Singleton
    static DeviceFleet deviceFleet(RepoStore repos, DeviceStatusStore statuses, Clock clock) {
        return new DeviceFleet(repos, statuses, clock, DeviceFleet.DEFAULT_OFFLINE_AFTER);
    }
}
