package dev.flowstage.web.api.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.hooks.pipeline.PipelineJson;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pipeline definitions (SPEC §5, §6): owners create, replace and delete them and edit their stages
 * (append, insert, remove, reorder); every member reads them; owners also see the webhook secret. Each
 * change is one commit in the team's {@code _config.git}. Deploys: members and owners deploy a stage
 * whose next target is unprotected, owners any stage; 202 with the queued run, which executes in the
 * background.
 */
@Path("teams/{team}/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class PipelinesResource {
    private final ApiServices services;
    private final TeamGuard guard;
    private final PipelineApi pipelines;

    @Inject
    public PipelinesResource(ApiServices services, TeamGuard guard, PipelineApi pipelines) {
        this.services = services;
        this.guard = guard;
        this.pipelines = pipelines;
    }

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team, JsonNode body) {
        Principal caller = owner(sc, team);
        Pipeline p = pipelines.definitions().create(team, caller.displayName(), Bodies.require(body));
        return Response.status(201).entity(view(p, true)).build();
    }

    @GET
    public Page<ObjectNode> list(@Context SecurityContext sc, @PathParam("team") String team,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.VIEWER, TokenScope.READ);
        boolean secret = seesWebhookSecret(caller, team);
        return Page.of(pipelines.definitions().list(team), Pipeline::name, p -> view(p, secret), limit, cursor);
    }

    @GET
    @Path("{pipeline}")
    public ObjectNode get(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.VIEWER, TokenScope.READ);
        return view(existing(team, name), seesWebhookSecret(caller, team));
    }

    /**
     * Each stage's target, the snapshot on its {@code main} and whether it is behind the previous stage: what
     * the pipeline page shows, in one call instead of one per stage.
     */
    @GET
    @Path("{pipeline}/status")
    public StageStatus.PipelineStatus status(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name) throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig config = guard.require(caller, team, Role.VIEWER, TokenScope.READ);
        return new StageStatus(services.repos()).of(team, config, existing(team, name));
    }

    @PUT
    @Path("{pipeline}")
    public ObjectNode replace(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name, JsonNode body) {
        Principal caller = owner(sc, team);
        existing(team, name);
        return view(pipelines.definitions().replace(team, caller.displayName(), name, Bodies.require(body)), true);
    }

    @DELETE
    @Path("{pipeline}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name) {
        Principal caller = owner(sc, team);
        existing(team, name);
        if (pipelines.engine().hasPending(team, name)) {
            throw new MetaConflictException("pipeline '" + name + "' has runs queued, running or awaiting approval:"
                    + " delete it when they have ended");
        }
        pipelines.definitions().delete(team, caller.displayName(), name);
        return Response.noContent().build();
    }

    /** Appends a stage, or inserts it at {@code ?position=N} (0-based) or before {@code "before": "NAME"}. */
    @POST
    @Path("{pipeline}/stages")
    public Response addStage(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name, @QueryParam("position") String position, JsonNode body) {
        Principal caller = owner(sc, team);
        existing(team, name);
        if (!(Bodies.require(body) instanceof ObjectNode stage)) {
            throw ApiException.invalid("invalid", "a stage must be a JSON object");
        }
        ObjectNode copy = stage.deepCopy();
        JsonNode before = copy.remove("before");
        if (before != null && !before.isTextual()) {
            throw ApiException.invalid("invalid", "'before' must be the name of a stage");
        }
        Integer at = null;
        if (position != null) {
            if (before != null) {
                throw ApiException.invalid("invalid", "give either ?position or 'before', not both");
            }
            try {
                at = Integer.parseInt(position);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("invalid", "position must be a whole number, not '" + position + "'");
            }
        }
        Pipeline p = pipelines.definitions().addStage(team, caller.displayName(), name, copy, at,
                before == null ? null : before.asText());
        return Response.status(201).entity(view(p, true)).build();
    }

    @DELETE
    @Path("{pipeline}/stages/{stage}")
    public ObjectNode removeStage(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name, @PathParam("stage") String stage) {
        Principal caller = owner(sc, team);
        existing(team, name);
        return view(pipelines.definitions().removeStage(team, caller.displayName(), name, stage), true);
    }

    /** {@code {"order": ["qa", "dev", ...]}}: every stage named once. */
    @POST
    @Path("{pipeline}/stages/reorder")
    public ObjectNode reorder(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String name, JsonNode body) {
        Principal caller = owner(sc, team);
        existing(team, name);
        JsonNode order = Bodies.require(body).get("order");
        if (order == null || !order.isArray()) {
            throw ApiException.invalid("missing_field", "field 'order' is required: the stage names in their new order");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : order) {
            if (!n.isTextual()) {
                throw ApiException.invalid("invalid", "'order' must list stage names");
            }
            names.add(n.asText());
        }
        return view(pipelines.definitions().reorder(team, caller.displayName(), name, names), true);
    }

    /** {@code {"snapshot": "SHA"}} for a prompt_snapshot stage; no body (or {}) otherwise. */
    @POST
    @Path("{pipeline}/stages/{stage}/deploy")
    public Response deploy(@Context SecurityContext sc, @PathParam("team") String team,
            @PathParam("pipeline") String pipeline, @PathParam("stage") String stage, JsonNode body) {
        Principal caller = ApiSecurityContext.principal(sc);
        Role role = RunsResource.role(guard, services, caller, team);
        Optional<String> snapshot = Optional.empty();
        if (body != null && !body.isNull()) {
            if (!body.isObject()) {
                throw ApiException.badRequest("invalid_json", "the body must be a JSON object such as {\"snapshot\": \"SHA\"}");
            }
            body.fieldNames().forEachRemaining(f -> {
                if (!f.equals("snapshot")) {
                    throw ApiException.badRequest("unknown_field", "unknown field '" + f + "'");
                }
            });
            JsonNode s = body.get("snapshot");
            if (s != null && !s.isNull()) {
                if (!s.isTextual()) {
                    throw ApiException.badRequest("invalid_field", "field 'snapshot' has the wrong type or value");
                }
                snapshot = Optional.of(s.asText());
            }
        }
        Optional<String> chosen = snapshot;
        Run run = RunsResource.forbiddenAs403(() -> pipelines.engine().deployAs(team, pipeline, stage, chosen,
                caller.displayName(), role, PipelineRunner.API));
        return Response.accepted(Map.of("run", RunView.of(run))).build();
    }

    private Principal owner(SecurityContext sc, String team) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        return caller;
    }

    /** The webhook secret alone runs deploys: only an owner's credential that may write sees it. */
    private boolean seesWebhookSecret(Principal caller, String team) {
        return guard.allows(caller, team, Role.OWNER, TokenScope.WRITE);
    }

    private Pipeline existing(String team, String name) {
        return pipelines.definitions().get(team, name).orElseThrow(() -> new MetaNotFoundException(
                "pipeline '" + name + "' does not exist in team '" + team + "'"));
    }

    private ObjectNode view(Pipeline p, boolean withSecret) {
        ObjectNode n = PipelineJson.format(p);
        n.remove("webhook");
        n.put("paused", p.paused());
        if (withSecret) {
            pipelines.definitions().webhookSecret(p).ifPresent(s -> n.putObject("webhook").put("secret", s));
        }
        return n;
    }

}
