package dev.flowstage.web.api.devices;

import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.OpenSshKeys;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.SshKey;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import dev.flowstage.web.api.users.CurrentUserResource;
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
import java.util.ArrayList;
import java.util.List;

/**
 * A device's SSH public keys ({@code /teams/{team}/devices/{name}/keys}), with which it fetches over
 * SSH like with its token over HTTPS. Keys are credentials: owners manage them with an admin-scope
 * credential, as device tokens. A key is unique on the server (a user's key cannot be a device's).
 */
@Path("teams/{team}/devices/{name}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class DeviceKeysResource {
    private static final int MAX_TITLE = 100;

    private final ApiServices services;
    private final TeamGuard guard;

    @Inject
    public DeviceKeysResource(ApiServices services, TeamGuard guard) {
        this.services = services;
        this.guard = guard;
    }

    @GET
    public Page<CurrentUserResource.KeyView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                                  @PathParam("name") String name, @QueryParam("limit") String limit,
                                                  @QueryParam("cursor") String cursor) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return Page.of(credentials(c, team, name).keys(), k -> Page.newestFirst(k.createdAt(), k.title()),
                CurrentUserResource.KeyView::of, limit, cursor);
    }

    @POST
    public Response add(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name,
                        CurrentUserResource.AddKey body) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.ADMIN);
        DeviceCredentials current = credentials(c, team, name);
        Bodies.require(body);
        String title = Bodies.field("title", body.title()).strip();
        if (title.length() > MAX_TITLE || title.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("invalid_field", "title must be at most " + MAX_TITLE
                    + " characters without control characters");
        }
        if (current.keys().stream().anyMatch(k -> k.title().equals(title))) {
            throw new MetaConflictException("device '" + name + "' already has a key titled '" + title + "'");
        }
        OpenSshKeys.ParsedKey parsed = OpenSshKeys.parse(Bodies.field("key", body.key()).strip());
        SshKey key = new SshKey(title, parsed.fingerprint(), parsed.line(), services.clock().instant());
        List<SshKey> keys = new ArrayList<>(current.keys());
        keys.add(key);
        services.site().putDevice(new DeviceCredentials(team, name, current.tokenHash(), keys));
        services.authenticator().invalidateAll();
        return Response.status(201).entity(CurrentUserResource.KeyView.of(key)).build();
    }

    @DELETE
    @Path("{title}")
    public Response remove(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("name") String name, @PathParam("title") String title) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.ADMIN);
        DeviceCredentials current = credentials(c, team, name);
        List<SshKey> keys = current.keys().stream()
                .filter(k -> !k.title().equals(title) && !k.fingerprint().equals(title)).toList();
        if (keys.size() == current.keys().size()) {
            throw ApiException.notFound("key '" + title + "' not found on device '" + name + "'");
        }
        services.site().putDevice(new DeviceCredentials(team, name, current.tokenHash(), keys));
        // a cached key lookup must not outlive the key
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }

    private DeviceCredentials credentials(TeamConfig c, String team, String name) {
        Target t = c.targets().get(name);
        if (t == null || t.kind() != TargetKind.DEVICE) {
            throw ApiException.notFound("device '" + name + "' not found");
        }
        return services.site().device(team, name)
                .orElseGet(() -> new DeviceCredentials(team, name, null, List.of()));
    }
}
