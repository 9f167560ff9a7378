package dev.flowstage.web.api.triggers;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code POST /teams/{team}/pipelines/{p}/pause} and {@code …/resume} (owners): stop and restart all of
 * the pipeline's triggers (push, schedule, webhook). The state is {@code paused} in the pipeline's file
 * in {@code _config.git}, so it is one commit and survives restarts; API deploys are not affected.
 */
@Path("teams/{team}/pipelines/{pipeline}/{state: pause|resume}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Singleton
public final class PipelinePauseResource {
    /** The answer. */
    public record PausedView(String pipeline, boolean paused) {}

    private final TeamGuard guard;
    private final ConfigPipelineStore pipelines;

    @Inject
    public PipelinePauseResource(TeamGuard guard, ConfigPipelineStore pipelines) {
        this.guard = guard;
        this.pipelines = pipelines;
    }

    @POST
    public PausedView set(@Context SecurityContext sc, @PathParam("team") String team,
                          @PathParam("pipeline") String pipeline, @PathParam("state") String state) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        if (pipelines.get(team, pipeline).isEmpty()) {
            throw new MetaNotFoundException("pipeline '" + pipeline + "' not found in team '" + team + "'");
        }
        Pipeline p = pipelines.setPaused(team, caller.displayName(), pipeline, state.equals("pause"));
        return new PausedView(p.name(), p.paused());
    }
}
