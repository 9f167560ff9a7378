package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.nodered.InstanceStatus;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;

/**
 * {@code GET /teams/{team}/instances/{name}/status}: what the instance's live Node-RED last did (deployment
 * or capture), as recorded on {@code refs/meta/status} of its repository; {@code state} is {@code none}
 * before anything was recorded.
 */
@Path("teams/{team}/{kind: instances}/{name}/status")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class InstanceStatusResource {
    /** The status as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatusView(String state, String operation, String commit, String deployedCommit, Instant time,
                             String message, String nodeRedUrl) {}

    private final SnapshotTargets targets;
    private final NodeRedServices nodeRed;

    @Inject
    public InstanceStatusResource(ApiServices services, TeamGuard guard) {
        this.targets = new SnapshotTargets(guard, services.repos(), services.secrets());
        this.nodeRed = services.nodeRed();
    }

    @GET
    public StatusView get(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("kind") String kind,
                          @PathParam("name") String name) {
        Target target = targets.require(ApiSecurityContext.principal(sc), team, kind, name, Role.VIEWER,
                TokenScope.READ);
        String url = target.nodeRed() == null ? null : target.nodeRed().url();
        return nodeRed.status().read(team, name)
                .map(s -> view(s, url))
                .orElse(new StatusView("none", null, null, null, null, null, url));
    }

    private static StatusView view(InstanceStatus s, String url) {
        return new StatusView(s.state(), s.operation(), s.commit(), s.deployedCommit(), s.time(), s.message(), url);
    }
}
