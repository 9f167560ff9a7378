package dev.flowstage.web.events;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import java.util.function.BooleanSupplier;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;

/** {@code POST /api/v1/teams/{team}/events/ticket}: a 60-second single-use ticket for the event WebSocket. */
@Path("teams/{team}/events/ticket")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class EventTicketResource {
    /** The answer: use as {@code ws(s)://HOST/api/v1/teams/TEAM/events?ticket=TICKET}. */
    public record TicketView(String ticket, Instant expiresAt) {}

    private final TeamGuard guard;
    private final EventTickets tickets;

    @Inject
    public EventTicketResource(TeamGuard guard, EventTickets tickets) {
        this.guard = guard;
        this.tickets = tickets;
    }

    @POST
    public Response issue(@Context SecurityContext sc, @Context HttpHeaders headers,
                          @Context ContainerRequestContext request, @PathParam("team") String team) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.VIEWER, TokenScope.READ);
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        BooleanSupplier sessionLive = authorization == null
                && request.getProperty(ApiSecurityContext.SESSION_LIVE) instanceof BooleanSupplier live ? live : null;
        EventTickets.Issued issued = tickets.issue(caller, authorization, sessionLive, team);
        return Response.status(201).entity(new TicketView(issued.ticket(), issued.expiresAt())).build();
    }
}
