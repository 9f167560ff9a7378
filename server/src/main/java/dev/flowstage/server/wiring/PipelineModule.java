package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.events.DeliveryLog;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.hooks.nodered.FlowCapture;
import dev.flowstage.hooks.pipeline.ActorApprovalPolicy;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.pipeline.GitStageRemote;
import dev.flowstage.hooks.pipeline.NodeRedLiveCapture;
import dev.flowstage.hooks.pipeline.PipelineEngine;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.hooks.trigger.PipelineWebhook;
import dev.flowstage.hooks.trigger.PushTrigger;
import dev.flowstage.hooks.trigger.ScheduleLog;
import dev.flowstage.hooks.trigger.ScheduleTrigger;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.web.api.pipelines.PipelineApi;
import dev.flowstage.web.events.EventTickets;
import dev.flowstage.web.events.EventsApiFeature;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.storage.signing.CommitSignatures;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Pipelines: definitions in _config.git, the promotion engine, and what triggers it (push, webhook, schedule). */
@Module
public interface PipelineModule {
    int ENGINE_THREADS = 4;

    @Provides
    @Singleton
    static ConfigPipelineStore pipelineStore(TeamStore teams, SecretBox secrets) {
        return new ConfigPipelineStore(teams, secrets);
    }

    /** Hears approved and rejected reviews and main moving (to rebuild waiting candidates). */
    @Provides
    @Singleton
    static PipelineEngine engine(TeamStore teams, RunStore runs, ReviewStore reviews, RepoStore repos,
                                 SecretBox secrets, Clock clock, MainMovedListeners mainMoved, FlowCapture capture,
                                 ReviewService reviewService, ConfigPipelineStore pipelines, Fleet fleet,
                                 CommitSignatures signer, DeviceStatusStore statuses, GitStageRemote gitStages) {
        PipelineEngine engine = new PipelineEngine(teams, runs, reviews, repos, secrets, clock, mainMoved,
                new NodeRedLiveCapture(teams, capture, clock), ENGINE_THREADS,
                new PipelineEngine.Devices(fleet, signer, statuses, statuses), gitStages);
        reviewService.addListener(engine);
        reviewService.addPolicy(new ActorApprovalPolicy(runs, pipelines));
        mainMoved.add(engine);
        return engine;
    }

    @Provides
    @Singleton
    static PipelineApi pipelineApi(ConfigPipelineStore definitions, PipelineEngine engine) {
        return new PipelineApi(definitions, engine);
    }

    @Provides
    @Singleton
    static EventsApiFeature eventsApi(EventTickets tickets, WebhookStore webhooks, DeliveryLog deliveries,
                                      ConfigPipelineStore pipelines, PipelineEngine engine, SecretBox secrets) {
        return new EventsApiFeature(tickets, webhooks, deliveries, new PipelineWebhook(pipelines, engine, secrets),
                pipelines);
    }

    /** Subscribed as it is made: pushes to a stage's own target run that stage's onPush deploys. */
    @Provides
    @Singleton
    static PushTrigger pushTrigger(ConfigPipelineStore pipelines, PipelineEngine engine, RepoStore repos, EventBus bus) {
        PushTrigger trigger = new PushTrigger(pipelines, engine, repos);
        bus.subscribe(null, trigger);
        return trigger;
    }

    @Provides
    @Singleton
    static ScheduleTrigger scheduleTrigger(SiteStore site, ConfigPipelineStore pipelines, PipelineEngine engine,
                                           RepoStore repos, Clock clock) {
        return new ScheduleTrigger(site, pipelines, engine, new ScheduleLog(repos), clock);
    }
}
