package dev.flowstage.web.api.audit;

import dev.flowstage.storage.audit.AuditStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /teams/{team}/audit}: the team's audit log, for its owners (members 403, others 404). */
@Path("teams/{team}/audit")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class TeamAuditResource {
    private final AuditStore store;
    private final TeamGuard guard;

    @Inject
    public TeamAuditResource(AuditStore store, TeamGuard guard) {
        this.store = store;
        this.guard = guard;
    }

    @GET
    public Page<AuditPages.AuditView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                           @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                                           @QueryParam("action") String action) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.READ);
        return AuditPages.page(store, team, limit, cursor, action);
    }
}
