package dev.flowstage.web.api.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which API call is which audit action: one line per state-changing endpoint, keyed by method and
 * path template (as written in the resources' {@code @Path}s, regexes left out). The target names what
 * changed, from the path's parameters or, for a creation, the answer's fields; a call that is not
 * listed and not {@link #NOT_CHANGES} is still recorded, as {@code api.post} and so on.
 */
final class AuditRoutes {
    /** What a route records; {@code site} routes go to the site's log, the others to their team's. */
    record Route(String action, String target, boolean site) {}

    /**
     * POSTs that change nothing: a stream ticket, an export (it only reads); and a device's status
     * report, which is frequent, kept off the Git write path and streamed as a {@code device} event.
     */
    static final Set<String> NOT_CHANGES = Set.of(
            "POST teams/{team}/events/ticket",
            "POST teams/{team}/{kind}/{name}/snapshots/{id}/export",
            "POST devices/self/status");

    private static final Map<String, Route> ROUTES = new HashMap<>();

    static {
        site("POST tokens", "token.create", "token/{name}");
        site("DELETE tokens/{name}", "token.revoke", "token/{name}");
        site("POST user/keys", "key.create", "key/{title}");
        site("DELETE user/keys/{title}", "key.delete", "key/{title}");
        site("POST users", "user.create", "user/{name}");
        site("PATCH users/{name}", "user.update", "user/{name}");
        site("DELETE users/{name}", "user.delete", "user/{name}");
        site("POST teams", "team.create", "team/{name}");
        site("DELETE teams/{team}", "team.delete", "team/{team}");
        team("PUT teams/{team}/members/{user}", "member.update", "member/{user}");
        team("DELETE teams/{team}/members/{user}", "member.delete", "member/{user}");
        team("POST teams/{team}/applications", "application.create", "application/{name}");
        team("PATCH teams/{team}/applications/{name}", "application.update", "application/{name}");
        team("DELETE teams/{team}/applications/{name}", "application.delete", "application/{name}");
        // {kind} is instances, devices or groups; its singular names the action: instance.create, ...
        team("POST teams/{team}/{kind}", "{kind}.create", "{kind}/{name}");
        team("PATCH teams/{team}/{kind}/{name}", "{kind}.update", "{kind}/{name}");
        team("DELETE teams/{team}/{kind}/{name}", "{kind}.delete", "{kind}/{name}");
        team("POST teams/{team}/{kind}/{name}/token", "device.token", "device/{name}");
        team("POST teams/{team}/devices/{name}/keys", "device.key.create", "device/{name}");
        team("DELETE teams/{team}/devices/{name}/keys/{title}", "device.key.delete", "device/{name}");
        team("POST teams/{team}/{kind}/{name}/snapshots", "snapshot.create", "{kind}/{name}");
        team("POST teams/{team}/{kind}/{name}/snapshots/import", "snapshot.import", "{kind}/{name}");
        team("POST teams/{team}/pipelines", "pipeline.create", "pipeline/{name}");
        team("PUT teams/{team}/pipelines/{pipeline}", "pipeline.update", "pipeline/{pipeline}");
        team("DELETE teams/{team}/pipelines/{pipeline}", "pipeline.delete", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/stages", "stage.create", "pipeline/{pipeline}");
        team("DELETE teams/{team}/pipelines/{pipeline}/stages/{stage}", "stage.delete", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/stages/reorder", "stage.reorder", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/stages/{stage}/deploy", "run.deploy", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/runs/{run}/rollback", "run.rollback", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/hooks/{secret}", "run.webhook", "pipeline/{pipeline}");
        team("POST teams/{team}/pipelines/{pipeline}/{state}", "pipeline.{state}", "pipeline/{pipeline}");
        team("POST teams/{team}/reviews/{id}/approve", "review.approve", "review/{id}");
        team("POST teams/{team}/reviews/{id}/reject", "review.reject", "review/{id}");
        team("POST teams/{team}/webhooks", "webhook.create", "webhook/{name}");
        team("DELETE teams/{team}/webhooks/{name}", "webhook.delete", "webhook/{name}");
    }

    private AuditRoutes() {}

    private static void site(String key, String action, String target) {
        ROUTES.put(key, new Route(action, target, true));
    }

    private static void team(String key, String action, String target) {
        ROUTES.put(key, new Route(action, target, false));
    }

    /** The route for {@code method} on {@code template}; empty for calls that change nothing. */
    static Optional<Route> of(String method, String template) {
        String key = method + " " + template;
        if (NOT_CHANGES.contains(key)) {
            return Optional.empty();
        }
        Route known = ROUTES.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        boolean site = !template.startsWith("teams/{team}");
        return Optional.of(new Route("api." + method.toLowerCase(java.util.Locale.ROOT), template, site));
    }
}
