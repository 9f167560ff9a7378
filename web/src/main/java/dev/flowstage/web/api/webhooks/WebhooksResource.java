package dev.flowstage.web.api.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.events.DeliveryLog;
import dev.flowstage.hooks.events.Webhook;
import dev.flowstage.hooks.events.WebhookDelivery;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A team's outgoing webhooks (owners only): {@code POST|GET /teams/{team}/webhooks},
 * {@code GET|DELETE …/{name}}, {@code GET …/{name}/deliveries}. The secret is write-only.
 */
@Path("teams/{team}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class WebhooksResource {
    static final int MIN_SECRET_LENGTH = 16;

    /** POST body; {@code secret} is optional (unsigned deliveries without it). */
    public record CreateWebhook(String name, String url, List<String> events, String secret) {}

    /**
     * A webhook as the API shows it: {@code signed} says whether a secret is set, never what it is.
     * A hook URL is often a credential itself (chat and CI hooks), so {@code url} is shown only to
     * credentials that may write; {@code origin} (scheme, host, port) to every owner.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookView(String name, String origin, String url, List<String> events, boolean signed,
                              Instant createdAt) {
        static WebhookView of(Webhook w, boolean withUrl) {
            return new WebhookView(w.name(), w.origin(), withUrl ? w.url().toString() : null,
                    w.events().stream().sorted().toList(), w.sealedSecret() != null, w.createdAt());
        }
    }

    /** One logged delivery. */
    public record DeliveryView(String id, String event, String target, String status, Integer statusCode,
                               int attempts, String error, long durationMillis, Instant time) {
        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id(), d.event(), d.target(), d.succeeded() ? "succeeded" : "failed",
                    d.statusCode(), d.attempts(), d.error(), d.durationMillis(), d.time());
        }
    }

    private final TeamGuard guard;
    private final WebhookStore webhooks;
    private final DeliveryLog deliveries;

    @Inject
    public WebhooksResource(TeamGuard guard, WebhookStore webhooks, DeliveryLog deliveries) {
        this.guard = guard;
        this.webhooks = webhooks;
        this.deliveries = deliveries;
    }

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team, CreateWebhook body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        Bodies.require(body);
        String name = Bodies.field("name", body.name());
        Names.require("webhook", name);
        String url = Bodies.field("url", body.url());
        Bodies.field("events", body.events());
        if (body.secret() != null && body.secret().length() < MIN_SECRET_LENGTH) {
            throw ApiException.invalid("weak_secret", "'secret' must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        Webhook created = webhooks.create(team, caller.displayName(), name, url, body.events(), body.secret());
        return Response.status(201).entity(WebhookView.of(created, true)).build();
    }

    @GET
    public Page<WebhookView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                  @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.READ);
        boolean withUrl = guard.allows(caller, team, Role.OWNER, TokenScope.WRITE);
        return Page.of(webhooks.list(team), Webhook::name, w -> WebhookView.of(w, withUrl), limit, cursor);
    }

    @GET
    @Path("{name}")
    public WebhookView get(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.READ);
        return WebhookView.of(find(team, name), guard.allows(caller, team, Role.OWNER, TokenScope.WRITE));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        find(team, name);
        webhooks.delete(team, caller.displayName(), name);
        return Response.noContent().build();
    }

    @GET
    @Path("{name}/deliveries")
    public Page<DeliveryView> deliveries(@Context SecurityContext sc, @PathParam("team") String team,
                                         @PathParam("name") String name, @QueryParam("limit") String limit,
                                         @QueryParam("cursor") String cursor) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.READ);
        find(team, name);
        List<WebhookDelivery> newestFirst = deliveries.list(team, name);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            order.add(i);
        }
        return Page.of(order, i -> String.format("%06d", i), i -> DeliveryView.of(newestFirst.get(i)), limit, cursor);
    }

    private Webhook find(String team, String name) {
        return webhooks.get(team, name).orElseThrow(() -> WebhookStore.notFound(team, name));
    }
}
