package dev.flowstage.web.api.pipelines;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.pipeline.PipelineForbiddenException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.run.Run;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs of a pipeline (SPEC §5): every member reads them, newest first; a rollback needs the role a deploy
 * into the run's target needs and answers 202 with the new queued run.
 */
@Path("teams/{team}/pipelines/{pipeline}/runs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class RunsResource {
    private final ApiServices services;
    private final TeamGuard guard;
    private final PipelineApi pipelines;

    @Inject
    public RunsResource(ApiServices services, TeamGuard guard, PipelineApi pipelines) {
        this.services = services;
        this.guard = guard;
        this.pipelines = pipelines;
    }

    @GET
    public Page<RunView> runs(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String pipeline, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        pipeline(team, pipeline);
        int max = limit(limit);
        if (cursor != null && !cursor.isEmpty() && !cursor.matches("[0-9]{6,18}")) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this server returned");
        }
        List<Run> page = pipelines.engine().runs(team, pipeline, max + 1,
                cursor == null || cursor.isEmpty() ? null : cursor);
        boolean more = page.size() > max;
        List<Run> items = more ? page.subList(0, max) : page;
        return new Page<>(items.stream().map(RunView::of).toList(), more ? items.get(max - 1).id() : null);
    }

    @GET
    @Path("{run}")
    public RunView run(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String pipeline, @PathParam("run") String id) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return RunView.of(existingRun(team, pipeline, id));
    }

    /** A new run that puts the target back to the snapshot it had before run {@code id}. */
    @POST
    @Path("{run}/rollback")
    public Response rollback(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String pipeline, @PathParam("run") String id) {
        Principal caller = ApiSecurityContext.principal(sc);
        Role role = role(guard, services, caller, team);
        existingRun(team, pipeline, id);
        Run run = forbiddenAs403(() -> pipelines.engine().rollback(team, pipeline, id, caller.displayName(), role));
        return Response.accepted(Map.of("run", RunView.of(run))).build();
    }

    /**
     * The caller's role once they are at least a member with a write-scoped credential (viewers never
     * deploy); the engine decides the rest (owners only into protected targets).
     */
    static Role role(TeamGuard guard, ApiServices services, Principal caller, String team) {
        guard.require(caller, team, Role.VIEWER, TokenScope.WRITE);
        Role role = services.access().role(caller, team).orElseThrow();
        if (!role.atLeast(Role.MEMBER)) {
            // before the pipeline, stage or run is looked up: a viewer is refused the same way for all
            throw ApiException.forbidden("viewers cannot run pipelines: deploys and rollbacks need the member role"
                    + " (the owner role into protected targets)");
        }
        return role;
    }

    private void pipeline(String team, String pipeline) {
        if (pipelines.definitions().get(team, pipeline).isEmpty()) {
            throw new MetaNotFoundException("pipeline '" + pipeline + "' does not exist in team '" + team + "'");
        }
    }

    private Run existingRun(String team, String pipeline, String id) {
        pipeline(team, pipeline);
        return pipelines.engine().run(team, id).filter(r -> r.pipeline().equals(pipeline))
                .orElseThrow(() -> new MetaNotFoundException("run " + id + " does not exist in pipeline '"
                        + pipeline + "'"));
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return Page.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= Page.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below like an out-of-range number
        }
        throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + Page.MAX_LIMIT);
    }

    static Run forbiddenAs403(Supplier<Run> action) {
        try {
            return action.get();
        } catch (PipelineForbiddenException e) {
            throw ApiException.forbidden(e.getMessage());
        }
    }
}
