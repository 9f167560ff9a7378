package dev.flowstage.web.api.external;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.upstream.UpstreamConfig;
import dev.flowstage.hooks.upstream.UpstreamHook;
import dev.flowstage.hooks.upstream.UpstreamReport;
import dev.flowstage.hooks.upstream.UpstreamScheduler;
import dev.flowstage.hooks.upstream.UpstreamStore;
import dev.flowstage.hooks.upstream.UpstreamSync;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiError;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * An instance's upstream sync: {@code GET|PUT|DELETE /teams/{team}/instances/{name}/upstream} (owners change
 * it; any member of the team reads it), {@code POST …/pause|resume|sync} (owners), and
 * {@code POST …/hook}, the push webhook of the followed Git server, authorized by its signature only.
 */
@Path("teams/{team}/instances/{name}/upstream")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class UpstreamResource {
    private final TeamGuard guard;
    private final UpstreamStore store;
    private final UpstreamSync sync;
    private final UpstreamScheduler scheduler;
    private final UpstreamReport report;

    @Inject
    public UpstreamResource(TeamGuard guard, UpstreamStore store, UpstreamSync sync,
                            UpstreamScheduler scheduler, UpstreamReport report) {
        this.guard = guard;
        this.store = store;
        this.sync = sync;
        this.scheduler = scheduler;
        this.report = report;
    }

    @GET
    public UpstreamView get(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name)
            throws IOException {
        TeamConfig config = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        instance(config, team, name);
        return UpstreamView.of(report.view(team, find(team, name)), null);
    }

    @PUT
    public UpstreamView put(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name,
                            JsonNode body) throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig config = guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        instance(config, team, name);
        Bodies.require(body);
        UpstreamStore.Put put = store.put(team, caller.displayName(), name, body);
        sync.paused(team, name, true);
        scheduler.reconfigure(team, name);
        UpstreamView.Webhook hook = put.newHookSecret() == null ? null
                : new UpstreamView.Webhook("/api/v1/teams/" + team + "/instances/" + name + "/upstream/hook",
                        put.newHookSecret());
        return UpstreamView.of(report.view(team, put.config()), hook);
    }

    @DELETE
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig config = guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        instance(config, team, name);
        store.delete(team, caller.displayName(), name);
        scheduler.reconfigure(team, name);
        return Response.noContent().build();
    }

    @POST
    @Path("pause")
    public UpstreamView pause(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name)
            throws IOException {
        return setActive(sc, team, name, false);
    }

    @POST
    @Path("resume")
    public UpstreamView resume(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name)
            throws IOException {
        return setActive(sc, team, name, true);
    }

    /** Starts a sync at once (also while paused) and answers 202 with the status as it stands. */
    @POST
    @Path("sync")
    public Response syncNow(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name)
            throws IOException {
        TeamConfig config = guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.WRITE);
        instance(config, team, name);
        UpstreamConfig c = find(team, name);
        scheduler.syncNow(team, name);
        return Response.accepted(UpstreamView.of(report.view(team, c), null)).build();
    }

    /**
     * The followed server's push webhook (GitHub, GitLab or Gitea). 401 when the signature or token does not
     * match the instance's upstream webhook secret (also for an instance that follows nothing: no existence
     * leak); 202 for a push to another branch, a ping or a paused sync, which sync nothing; else 202 and a sync.
     */
    @POST
    @Path("hook")
    @Consumes(MediaType.WILDCARD)
    public Response hook(@PathParam("team") String team, @PathParam("name") String name, byte[] body,
                         @HeaderParam("X-Hub-Signature-256") String hub, @HeaderParam("X-Gitea-Signature") String gitea,
                         @HeaderParam("X-Gitlab-Token") String gitlab) {
        Optional<UpstreamConfig> c = store.get(team, name);
        byte[] payload = body == null ? new byte[0] : body;
        if (c.isEmpty() || !UpstreamHook.verify(store.hookSecret(c.get()).orElse(null), payload,
                new UpstreamHook.Proof(hub, gitea, gitlab))) {
            return ApiError.response(401, "invalid_signature", "the webhook's signature (X-Hub-Signature-256,"
                    + " X-Gitea-Signature or X-Gitlab-Token) does not match this instance's upstream webhook secret;"
                    + " nothing was synced");
        }
        if (!UpstreamHook.isPushTo(payload, c.get().branch())) {
            return Response.accepted(Map.of("message", "not a push to the followed branch '" + c.get().branch()
                    + "': nothing to do")).build();
        }
        if (!c.get().active()) {
            return Response.accepted(Map.of("message", "the upstream sync of '" + name + "' is paused: nothing synced"))
                    .build();
        }
        scheduler.syncNow(team, name);
        return Response.accepted(Map.of("message", "sync of '" + name + "' started")).build();
    }

    private UpstreamView setActive(SecurityContext sc, String team, String name, boolean active) throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig config = guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        instance(config, team, name);
        UpstreamConfig c = store.setActive(team, caller.displayName(), name, active);
        sync.paused(team, name, !active);
        scheduler.reconfigure(team, name);
        return UpstreamView.of(report.view(team, c), null);
    }

    private UpstreamConfig find(String team, String name) {
        return store.get(team, name).orElseThrow(() -> UpstreamStore.notFound(team, name));
    }

    private static void instance(TeamConfig config, String team, String name) {
        Target t = config.targets().get(name);
        if (t == null || t.kind() != TargetKind.INSTANCE) {
            throw new MetaNotFoundException("instance '" + name + "' not found in team '" + team + "'");
        }
    }
}
