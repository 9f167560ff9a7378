package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.audit.AuditLog;
import dev.flowstage.hooks.audit.AuditedEvents;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.audit.AuditQueue;
import dev.flowstage.storage.audit.GitAuditStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.web.api.audit.AuditApiFeature;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** The audit log: its Git store, the batching writer, the recorder fed by the API, the bus and sign-ins. */
@Module
public interface AuditModule {
    /** A batch is written this long after its first entry, or sooner when {@link #BATCH} entries wait. */
    Duration FLUSH_INTERVAL = Duration.ofMillis(250);
    int BATCH = 100;

    @Provides
    @Singleton
    static GitAuditStore auditStore(ServerConfig config, RepoStore repos, Clock clock) {
        return new GitAuditStore(repos, config.dataDir().resolve("site.git"), clock, GitAuditStore.DEFAULT_KEEP);
    }

    @Provides
    @Singleton
    static AuditQueue auditQueue(GitAuditStore store) {
        return new AuditQueue(store, FLUSH_INTERVAL, BATCH);
    }

    /** Subscribed as it is made: pushes, run outcomes and reviews on the bus become entries too. */
    @Provides
    @Singleton
    static AuditLog auditLog(AuditQueue queue, EventBus bus, Clock clock) {
        AuditLog log = new AuditLog(queue, bus, clock);
        bus.subscribe(null, new AuditedEvents(log));
        return log;
    }

    @Provides
    @Singleton
    static AuditApiFeature auditApi(AuditLog log, GitAuditStore store) {
        return new AuditApiFeature(log, store);
    }
}
