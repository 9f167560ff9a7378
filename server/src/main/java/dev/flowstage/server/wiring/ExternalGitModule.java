package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.pipeline.GitStageRemote;
import dev.flowstage.hooks.deps.DependencyPlanner;
import dev.flowstage.hooks.deps.NodeCatalog;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.remote.RemoteGit;
import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.hooks.upstream.UpstreamEndpoints;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.flowstage.hooks.upstream.UpstreamRemotes;
import dev.flowstage.hooks.upstream.UpstreamReport;
import dev.flowstage.hooks.upstream.UpstreamScheduler;
import dev.flowstage.hooks.upstream.UpstreamStatusLog;
import dev.flowstage.hooks.upstream.UpstreamStore;
import dev.flowstage.hooks.upstream.UpstreamSync;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.web.api.external.ExternalGitApiFeature;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** External Git: team secrets, Git integrations, the JGit client side, and pull-mode sync of instances. */
@Module
public interface ExternalGitModule {
    /** Worker threads that serve every following instance's syncs. */
    int SYNC_WORKERS = 4;
    /** The limit on each network step of a sync (connect, each read): a hanging remote frees its worker after it. */
    Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

    @Provides
    @Singleton
    static TeamSecrets teamSecrets(TeamStore teams, SecretBox box, Clock clock) {
        return new TeamSecrets(teams, box, clock);
    }

    @Provides
    @Singleton
    static GitIntegrations gitIntegrations(TeamStore teams, SecretBox box, Clock clock) {
        return new GitIntegrations(teams, box, clock);
    }

    @Provides
    @Singleton
    static RemoteGit remoteGit(OutboundConnector outbound) {
        return new RemoteGit(outbound);
    }

    /** Git stages of pipelines: private work repositories under DATA/git-stages, the stage's integration. */
    @Provides
    @Singleton
    static GitStageRemote gitStageRemote(RemoteGit git, GitIntegrations integrations, TeamSecrets secrets,
                                         ServerConfig config) {
        return new GitStageRemote(git, integrations, secrets, config.outboundAllow(), config.dataDir().resolve("git-stages"),
                SYNC_TIMEOUT);
    }

    @Provides
    @Singleton
    static UpstreamStore upstreamStore(TeamStore teams, SecretBox box, Clock clock, ServerConfig config) {
        return new UpstreamStore(teams, box, clock, config.outboundAllow());
    }

    @Provides
    @Singleton
    static UpstreamRemotes upstreamRemotes(ServerConfig config, RemoteGit git, Clock clock) {
        return new UpstreamRemotes(git, config.dataDir().resolve("upstream"), clock);
    }

    @Provides
    @Singleton
    static UpstreamEndpoints upstreamEndpoints(TeamSecrets secrets, GitIntegrations integrations, ServerConfig config) {
        return new UpstreamEndpoints(secrets, integrations, config.outboundAllow(), SYNC_TIMEOUT);
    }

    @Provides
    @Singleton
    static UpstreamSync upstreamSync(TeamStore teams, UpstreamStore store, RepoStore repos, Clock clock,
                                     UpstreamEndpoints endpoints, UpstreamRemotes remotes, ReviewStore reviews,
                                     MainMovedListeners mainMoved, EventBus events, SecretBox box) {
        return new UpstreamSync(new UpstreamSync.Services(teams, store, new UpstreamStatusLog(repos, clock),
                endpoints, remotes, repos,
                reviews, mainMoved, events, box, clock));
    }

    @Provides
    @Singleton
    static UpstreamScheduler upstreamScheduler(SiteStore site, TeamStore teams, UpstreamStore store, UpstreamSync sync,
                                               Clock clock, UpstreamRemotes remotes, MeterRegistry metrics) {
        UpstreamScheduler scheduler = new UpstreamScheduler(site, teams, store, sync, clock, SYNC_WORKERS);
        FunctionCounter.builder("flowstage.upstream.syncs", scheduler, UpstreamScheduler::syncsDone)
                .description("upstream syncs done by the workers").register(metrics);
        Gauge.builder("flowstage.upstream.busy.workers", scheduler, UpstreamScheduler::busyWorkers)
                .description("upstream sync workers busy now").register(metrics);
        FunctionCounter.builder("flowstage.upstream.ref.advertisements", remotes, UpstreamRemotes::advertisements)
                .description("ref advertisements asked of followed remotes (shared by their followers)").register(metrics);
        FunctionCounter.builder("flowstage.upstream.fetches", remotes, UpstreamRemotes::fetches)
                .description("fetches into the followed remotes' mirrors").register(metrics);
        return scheduler;
    }

    @Provides
    @Singleton
    static ExternalGitApiFeature externalGitApi(TeamStore teams, TeamSecrets secrets, GitIntegrations integrations,
                                                UpstreamStore store, UpstreamSync sync, UpstreamScheduler scheduler,
                                                RepoStore repos, UpstreamRemotes remotes, UpstreamEndpoints endpoints) {
        return new ExternalGitApiFeature(new ExternalGitApiFeature.Services(teams, secrets, integrations, store, sync,
                scheduler, new UpstreamReport(sync, scheduler, repos, remotes, endpoints,
                        new DependencyPlanner(NodeCatalog.shipped()))));
    }
}
