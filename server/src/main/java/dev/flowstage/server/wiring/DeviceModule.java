package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.events.DevicesMovedListeners;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.hooks.pipeline.ActiveCommits;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TargetListeners;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.storage.signing.SigningKey;
import dev.flowstage.web.api.signing.SigningKeyFeature;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * Devices and groups: the fleet that moves device mains over shared objects, the listeners told of target
 * changes (joins and leaves), and the server's OpenPGP key that signs what devices run
 * ({@code DATA/signing/server-key.asc}, generated on first start, owner-only).
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
    static Fleet fleet(TeamStore teams, RepoStore repos, TargetListeners listeners, DevicesMovedListeners moved,
                       Clock clock) {
        Fleet fleet = new Fleet(teams, repos, moved, clock);
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

    /** What devices last reported running; the device status store replaces this when it exists. */
    @Provides
    @Singleton
    static ActiveCommits activeCommits() {
        return ActiveCommits.NONE;
    }
}
