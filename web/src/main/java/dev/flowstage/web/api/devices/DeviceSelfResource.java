package dev.flowstage.web.api.devices;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.devices.DeviceState;
import dev.flowstage.hooks.devices.DeviceStatus;
import dev.flowstage.hooks.devices.DeviceWatches;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.api.ApiError;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Bodies;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What a device calls with its own token (Bearer, or Basic {@code DEVICE:TOKEN}): who it is
 * ({@code GET /devices/self}, the only answer that carries its credentialSecret), its status reports
 * ({@code POST /devices/self/status}) and the long-poll watch of its {@code main}
 * ({@code GET /devices/self/watch}), answered without holding a thread while it waits.
 */
@Path("devices/self")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class DeviceSelfResource {
    public static final int MAX_MESSAGE = 2000;
    public static final int MAX_MODULES = 500;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    public static final int MAX_TIMEOUT_SECONDS = 300;
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    /** {@code GET /devices/self}. */
    public record SelfView(String team, String name, String application, String instance, String group,
                           String gitUrl, String sshUrl, String credentialSecret) {}

    /** {@code POST /devices/self/status} body. */
    public record StatusBody(String commit, String state, String message, JsonNode modules) {}

    /** The stored status, as answered to the device. */
    public record StatusView(String commit, String state, String message, Map<String, String> modules,
                             Instant lastSeen, String activeCommit) {
        static StatusView of(DeviceStatus s) {
            return new StatusView(s.commit(), s.state().json(), s.message(), s.modules(), s.lastSeen(),
                    s.activeCommit());
        }
    }

    /** {@code GET /devices/self/watch} answer when {@code main} moved. */
    public record WatchView(String commit) {}

    private final ApiServices services;
    private final DeviceApi devices;

    @Inject
    public DeviceSelfResource(ApiServices services, DeviceApi devices) {
        this.services = services;
        this.devices = devices;
    }

    @GET
    public Response self(@Context SecurityContext sc) {
        DevicePrincipal device = device(sc);
        Target target = existing(device);
        String sealed = target.sealedCredentialSecret();
        if (sealed == null) {
            sealed = giveCredentialSecret(device);
        }
        SelfView view = new SelfView(device.team(), device.name(), target.application(), target.instance(),
                target.group(), services.urls().gitUrl(device.team(), device.name()),
                services.urls().sshUrl(device.team(), device.name()), services.secrets().open(sealed));
        return Response.ok(view).cacheControl(NO_STORE).build();
    }

    @POST
    @Path("status")
    public StatusView report(@Context SecurityContext sc, StatusBody body) throws IOException {
        DevicePrincipal device = device(sc);
        existing(device);
        Bodies.require(body);
        String stateText = Bodies.field("state", body.state());
        DeviceState state = DeviceState.parse(stateText).orElseThrow(() -> ApiException.invalid("invalid_field",
                "state must be " + DeviceState.choices() + ", got '" + shorten(stateText) + "'"));
        // a device that has applied nothing yet reports stopped or error without a commit
        String commit = state == DeviceState.RUNNING || body.commit() != null
                ? Bodies.field("commit", body.commit()) : null;
        if (commit != null && !SHA.matcher(commit).matches()) {
            throw ApiException.invalid("invalid_field", "commit must be a full 40-character lower-case commit"
                    + " sha, got '" + shorten(commit) + "'");
        }
        if (body.message() != null && body.message().length() > MAX_MESSAGE) {
            throw ApiException.invalid("invalid_field", "message is " + body.message().length()
                    + " characters long; at most " + MAX_MESSAGE + " are kept");
        }
        Map<String, String> modules = modules(body.modules());
        RepoName repo = new RepoName(device.team(), device.name());
        if (commit != null && !devices.sent().wasSent(repo, ObjectId.fromString(commit))) {
            throw ApiException.invalid("unknown_commit", "commit " + commit + " was never sent to device '"
                    + repo + "': it is not on the device's main or device branch");
        }
        return StatusView.of(devices.statuses().report(device.team(), device.name(), commit, state,
                body.message(), modules));
    }

    @GET
    @Path("watch")
    public void watch(@Context SecurityContext sc, @Context HttpHeaders headers, @QueryParam("after") String after,
                      @QueryParam("timeout") String timeout, @Suspended AsyncResponse async) {
        DevicePrincipal device = device(sc);
        existing(device);
        if (after != null && !after.isEmpty() && !SHA.matcher(after).matches()) {
            throw ApiException.invalid("invalid_parameter", "after must be a full 40-character lower-case commit"
                    + " sha, got '" + shorten(after) + "'");
        }
        int seconds = timeoutSeconds(timeout);
        String credentials = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        AtomicReference<DeviceWatches.Watch> watch = new AtomicReference<>();
        async.setTimeout(seconds, TimeUnit.SECONDS);
        async.setTimeoutHandler(r -> {
            DeviceWatches.Watch w = watch.get();
            if (w != null) {
                w.cancel();
            }
            r.resume(Response.noContent().cacheControl(NO_STORE).build());
        });
        // the watches of one device with one token are rechecked together (a device may hold several)
        String recheckKey = device.team() + "/" + device.name() + "\n" + credentials;
        watch.set(devices.watches().watch(new RepoName(device.team(), device.name()),
                after == null || after.isEmpty() ? null : after, recheckKey,
                () -> stillAllowed(device, credentials),
                outcome -> async.resume(answer(outcome))));
    }

    private Optional<DeviceWatches.Outcome.Ended> stillAllowed(DevicePrincipal device, String authorization) {
        if (target(device).isEmpty()) {
            return Optional.of(new DeviceWatches.Outcome.Ended(DeviceWatches.Reason.DEVICE_GONE,
                    "device '" + device.team() + "/" + device.name() + "' was deleted"));
        }
        Optional<Principal> now = services.authenticator().authenticate(Credentials.parse(authorization));
        if (now.isEmpty() || !now.get().equals(device)) {
            return Optional.of(new DeviceWatches.Outcome.Ended(DeviceWatches.Reason.UNAUTHORIZED,
                    "the device token was revoked or replaced"));
        }
        return Optional.empty();
    }

    private static Response answer(DeviceWatches.Outcome outcome) {
        if (outcome instanceof DeviceWatches.Outcome.Moved m) {
            // the bytes of {"commit":SHA}, the same for every waiter of that commit: no JSON writer per answer
            return Response.ok(WatchBodies.body(m.commit()), MediaType.APPLICATION_JSON_TYPE)
                    .cacheControl(NO_STORE).build();
        }
        DeviceWatches.Outcome.Ended e = (DeviceWatches.Outcome.Ended) outcome;
        if (e.reason() == DeviceWatches.Reason.DEVICE_GONE) {
            return ApiError.response(404, "not_found", e.message());
        }
        return Response.fromResponse(ApiError.response(401, "unauthorized", e.message()))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"flowstage\"").build();
    }

    static int timeoutSeconds(String timeout) {
        if (timeout == null || timeout.isEmpty()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        try {
            int n = Integer.parseInt(timeout);
            if (n >= 1 && n <= MAX_TIMEOUT_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("invalid_parameter", "timeout must be a whole number of seconds from 1 to "
                + MAX_TIMEOUT_SECONDS + ", got '" + shorten(timeout) + "'");
    }

    private static Map<String, String> modules(JsonNode modules) {
        if (modules == null || modules.isNull()) {
            return Map.of();
        }
        String shape = "modules must be an object of node module names to version strings, e.g."
                + " {\"node-red-contrib-modbus\":\"5.43.0\"}";
        if (!modules.isObject()) {
            throw ApiException.invalid("invalid_field", shape);
        }
        if (modules.size() > MAX_MODULES) {
            throw ApiException.invalid("invalid_field", "modules lists " + modules.size() + " modules; at most "
                    + MAX_MODULES + " are kept");
        }
        Map<String, String> out = new LinkedHashMap<>();
        modules.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getKey().length() > 214 || e.getValue().asText().length() > 256) {
                throw ApiException.invalid("invalid_field", shape + "; '" + shorten(e.getKey()) + "' is not");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static DevicePrincipal device(SecurityContext sc) {
        if (ApiSecurityContext.principal(sc) instanceof DevicePrincipal d) {
            return d;
        }
        throw ApiException.forbidden("this endpoint is for devices: call it with the device's token");
    }

    private Optional<Target> target(DevicePrincipal device) {
        return services.teams().team(device.team()).map(c -> c.targets().get(device.name()))
                .filter(t -> t.kind() == TargetKind.DEVICE);
    }

    private Target existing(DevicePrincipal device) {
        return target(device).orElseThrow(() -> ApiException.notFound("device '" + device.team() + "/"
                + device.name() + "' no longer exists"));
    }

    /** Devices created before credentialSecrets were generated get one on first asking. */
    private String giveCredentialSecret(DevicePrincipal device) {
        String sealed = services.secrets().seal(Tokens.newCredentialSecret());
        TeamConfig after = services.teams().edit(device.team(), device.displayName(),
                "Generate the credential secret of device " + device.name(), c -> {
                    Target t = c.targets().get(device.name());
                    if (t == null || t.kind() != TargetKind.DEVICE) {
                        throw ApiException.notFound("device '" + device.team() + "/" + device.name()
                                + "' no longer exists");
                    }
                    if (t.sealedCredentialSecret() != null) {
                        return c; // another request gave it one first
                    }
                    return c.withTarget(t.name(), new Target(t.kind(), t.name(), t.application(), t.protectedMain(),
                            t.nodeRed(), sealed, t.instance(), t.group(), t.createdAt()));
                });
        return after.targets().get(device.name()).sealedCredentialSecret();
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
