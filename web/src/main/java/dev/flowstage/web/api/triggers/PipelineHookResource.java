package dev.flowstage.web.api.triggers;

import dev.flowstage.hooks.trigger.PipelineWebhook;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /teams/{team}/pipelines/{p}/hooks/{secret}}: the pipeline's webhook trigger. No credentials:
 * the secret in the URL is the authorization (the auth filter lets this path through). Any body is
 * accepted and ignored, so CI systems and Git hosts can call it with their own payloads; the stage
 * (default: the first) and a snapshot for {@code prompt_snapshot} stages go in the query string.
 */
@Path("teams/{team}/pipelines/{pipeline}/hooks/{secret}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Singleton
public final class PipelineHookResource {
    private final PipelineWebhook webhook;

    @Inject
    public PipelineHookResource(PipelineWebhook webhook) {
        this.webhook = webhook;
    }

    @POST
    public Response fire(@PathParam("team") String team, @PathParam("pipeline") String pipeline,
                         @PathParam("secret") String secret, @QueryParam("stage") String stage,
                         @QueryParam("snapshot") String snapshot) {
        PipelineWebhook.Outcome outcome = webhook.fire(team, pipeline, secret, Optional.ofNullable(stage),
                Optional.ofNullable(snapshot));
        if (outcome instanceof PipelineWebhook.Started started) {
            return Response.accepted(Map.of("run", RunView.of(started.run()))).build();
        }
        return Response.accepted(Map.of("message", ((PipelineWebhook.Paused) outcome).message())).build();
    }
}
