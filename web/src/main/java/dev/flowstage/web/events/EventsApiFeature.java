package dev.flowstage.web.events;

import dev.flowstage.hooks.events.DeliveryLog;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.trigger.PipelineWebhook;
import dev.flowstage.web.api.triggers.PipelineHookResource;
import dev.flowstage.web.api.triggers.PipelinePauseResource;
import dev.flowstage.web.api.webhooks.WebhooksResource;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/**
 * The REST side of events and triggers, for {@code apiResourceConfig.register(...)}: the event-stream
 * ticket, the team webhooks API, the pipeline webhook trigger and pause/resume. Relies on the
 * {@link dev.flowstage.web.api.TeamGuard} that {@link dev.flowstage.web.api.ApiResourceConfig} binds.
 */
public final class EventsApiFeature implements Feature {
    private final EventTickets tickets;
    private final WebhookStore webhooks;
    private final DeliveryLog deliveries;
    private final PipelineWebhook pipelineWebhook;
    private final ConfigPipelineStore pipelines;

    public EventsApiFeature(EventTickets tickets, WebhookStore webhooks, DeliveryLog deliveries,
                            PipelineWebhook pipelineWebhook, ConfigPipelineStore pipelines) {
        this.tickets = tickets;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
        this.pipelineWebhook = pipelineWebhook;
        this.pipelines = pipelines;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(tickets).to(EventTickets.class);
                bind(webhooks).to(WebhookStore.class);
                bind(deliveries).to(DeliveryLog.class);
                bind(pipelineWebhook).to(PipelineWebhook.class);
                bind(pipelines).to(ConfigPipelineStore.class);
            }
        });
        context.register(EventTicketResource.class);
        context.register(WebhooksResource.class);
        context.register(PipelineHookResource.class);
        context.register(PipelinePauseResource.class);
        return true;
    }
}
