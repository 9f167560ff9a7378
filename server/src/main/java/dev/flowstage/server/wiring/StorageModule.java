package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.InitialAdminPassword;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.SecretBox;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.flowstage.storage.meta.TargetListeners;
import java.time.Clock;
import java.time.Duration;

/** Repositories, Git-native metadata and secrets, all under the data dir. */
@Module
public interface StorageModule {
    @Provides
    @Singleton
    static GcQueue gcQueue(ServerConfig config) {
        return new GcQueue(config.gcPushes(), Duration.ofMinutes(config.gcIntervalMinutes()));
    }

    @Provides
    @Singleton
    static RepoStore repoStore(ServerConfig config, GcQueue gc, TargetListeners targets) {
        return new LocalRepoStore(config.dataDir().resolve("repos"), gc, targets::repositoryCreated);
    }

    @Provides
    @Singleton
    static SiteStore siteStore(ServerConfig config, Clock clock) {
        // Whoever changes admin's password (API or admin command), the initial password file goes
        return new GitSiteStore(config.dataDir().resolve("site.git"), clock,
                new InitialAdminPassword(config.dataDir())::passwordChanged);
    }

    @Provides
    @Singleton
    static TeamStore teamStore(RepoStore repos, SiteStore site, Clock clock, TargetListeners targets) {
        return new GitTeamStore(repos, site, clock, targets);
    }

    @Provides
    @Singleton
    static SecretBox secretBox(ServerConfig config) {
        try {
            return AesGcmSecretBox.loadOrCreate(config.dataDir().resolve("secrets").resolve("master.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provides
    @Singleton
    static PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }
}
