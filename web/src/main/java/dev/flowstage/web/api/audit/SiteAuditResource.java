package dev.flowstage.web.api.audit;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.audit.AuditStore;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /audit}: the site's audit log (users, teams, tokens, keys, failed sign-ins), for server admins. */
@Path("audit")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class SiteAuditResource {
    private final AuditStore store;

    @Inject
    public SiteAuditResource(AuditStore store) {
        this.store = store;
    }

    @GET
    public Page<AuditPages.AuditView> list(@Context SecurityContext sc, @QueryParam("limit") String limit,
                                           @QueryParam("cursor") String cursor, @QueryParam("action") String action) {
        Principal p = ApiSecurityContext.principal(sc);
        if (!(p instanceof UserPrincipal u) || !u.admin()) {
            throw ApiException.forbidden("only a server admin can read the site's audit log");
        }
        TeamGuard.requireScope(p, TokenScope.READ);
        return AuditPages.page(store, null, limit, cursor, action);
    }
}
