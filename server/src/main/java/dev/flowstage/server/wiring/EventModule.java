package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.events.DeliveryLog;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.PendingDeliveries;
import dev.flowstage.hooks.events.WebhookDispatcher;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.web.events.EventStreams;
import dev.flowstage.web.events.EventTickets;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The in-process event bus and who consumes it: the WebSocket streams and the outgoing webhooks. */
@Module
public interface EventModule {
    int DELIVERIES_KEPT = 50;

    @Provides
    @Singleton
    static EventBus eventBus() {
        return new EventBus();
    }

    @Provides
    @Singleton
    static EventTickets eventTickets(Clock clock) {
        return new EventTickets(clock, EventTickets.DEFAULT_VALIDITY);
    }

    @Provides
    @Singleton
    static EventStreams eventStreams(EventBus bus, Authenticator auth, AccessControl access, TeamStore teams,
                                     EventTickets tickets, Clock clock) {
        return new EventStreams(bus, auth, access, teams, tickets, clock, EventStreams.Settings.DEFAULT);
    }

    @Provides
    @Singleton
    static WebhookStore webhookStore(TeamStore teams, SecretBox secrets, Clock clock, OutboundConnector outbound) {
        return new WebhookStore(teams, secrets, clock, outbound.policy());
    }

    @Provides
    @Singleton
    static DeliveryLog deliveryLog(RepoStore repos) {
        return new DeliveryLog(repos, DELIVERIES_KEPT);
    }

    /** Subscribed as it is made: every event of every team is offered to the team's webhooks. */
    @Provides
    @Singleton
    static WebhookDispatcher webhookDispatcher(WebhookStore webhooks, DeliveryLog log, Clock clock, EventBus bus,
                                               OutboundHttp outbound, RepoStore repos) {
        WebhookDispatcher dispatcher = new WebhookDispatcher(webhooks, log, clock, WebhookDispatcher.Settings.DEFAULT,
                outbound, new PendingDeliveries(repos));
        dispatcher.subscribeTo(bus);
        return dispatcher;
    }
}
