package dev.flowstage.web.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.audit.AuditLog;
import dev.flowstage.web.api.ApiJson;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every API call that changed something — a POST, PUT, PATCH or DELETE answered 2xx — in the
 * audit log, as {@link AuditRoutes} names it. Details are chosen, never copied: the path's parameters
 * (not a webhook secret) and, from the answer, only the fields in {@link #ANSWER_FIELDS}; request bodies
 * are not read at all, so a password, token, credentialSecret or URL sent in one cannot reach the log.
 */
public final class AuditFilter implements ContainerResponseFilter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> CHANGES = Set.of(HttpMethod.POST, HttpMethod.PUT, "PATCH", HttpMethod.DELETE);
    /** Fields of an answer that name or describe what changed and are never secret. */
    static final Set<String> ANSWER_FIELDS = Set.of("name", "scope", "role", "user", "application", "protected",
            "admin", "title", "fingerprint", "id", "status", "state", "instance", "group", "events", "expiresAt",
            "stage", "pipeline", "concurrency", "kind");
    private static final Set<String> HIDDEN_PARAMS = Set.of("team", "secret", "kind", "state");
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");
    private static final Pattern REGEX_PARAM = Pattern.compile("\\{(\\w+)\\s*:[^}]*}");

    private final AuditLog audit;
    private final ObjectMapper json = ApiJson.create();

    public AuditFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!CHANGES.contains(request.getMethod()) || response.getStatus() < 200 || response.getStatus() > 299) {
            return;
        }
        try {
            record(request, response);
        } catch (RuntimeException e) {
            // the change is made and answered: a failure to describe it must not turn it into an error
            // the path is not logged: a pipeline webhook's carries its secret
            LOG.warn("could not audit a {} call: {}", request.getMethod(), e.toString());
        }
    }

    private void record(ContainerRequestContext request, ContainerResponseContext response) {
        ExtendedUriInfo uri = (ExtendedUriInfo) request.getUriInfo();
        String template = template(uri.getMatchedResourceMethod());
        if (template == null) {
            return;
        }
        Optional<AuditRoutes.Route> route = AuditRoutes.of(request.getMethod(), template);
        if (route.isEmpty()) {
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        MultivaluedMap<String, String> path = uri.getPathParameters();
        path.forEach((k, v) -> params.put(k, v.isEmpty() ? null : v.get(0)));
        if (params.containsKey("kind")) {
            String kind = params.get("kind");
            params.put("kind", kind.endsWith("s") ? kind.substring(0, kind.length() - 1) : kind);
        }
        Map<String, String> answer = answerFields(response.getEntity());
        Map<String, String> details = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!HIDDEN_PARAMS.contains(k)) {
                details.put(k, v);
            }
        });
        answer.forEach(details::putIfAbsent);
        String team = route.get().site() ? null : params.get("team");
        String actor = request.getSecurityContext() == null || request.getSecurityContext().getUserPrincipal() == null
                ? "webhook" : request.getSecurityContext().getUserPrincipal().getName();
        audit.record(team, actor, fill(route.get().action(), params, answer), fill(route.get().target(), params, answer),
                details);
    }

    /** The method's path template: its class's {@code @Path} and its own, regexes left out. */
    private static String template(ResourceMethod method) {
        if (method == null) {
            return null;
        }
        Method m = method.getInvocable().getDefinitionMethod();
        Path classPath = m.getDeclaringClass().getAnnotation(Path.class);
        Path methodPath = m.getAnnotation(Path.class);
        String t = (classPath == null ? "" : classPath.value()) + (methodPath == null ? "" : "/" + methodPath.value());
        t = REGEX_PARAM.matcher(t).replaceAll("{$1}").replaceAll("/+", "/");
        return t.replaceAll("^/|/$", "");
    }

    /** Replaces each {@code {param}} by the path parameter, else the answer's field, else "?". */
    private static String fill(String template, Map<String, String> params, Map<String, String> answer) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = params.get(m.group(1));
            if (v == null) {
                v = answer.getOrDefault(m.group(1), "?");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The answer's allowed top-level fields as text, plus a started run's id and status. */
    private Map<String, String> answerFields(Object entity) {
        Map<String, String> out = new LinkedHashMap<>();
        if (entity == null || entity instanceof String || entity instanceof byte[]) {
            return out;
        }
        JsonNode n = json.valueToTree(entity);
        if (!n.isObject()) {
            return out;
        }
        for (String field : ANSWER_FIELDS) {
            JsonNode v = n.get(field);
            if (v != null && !v.isNull() && (v.isValueNode() || v.isArray())) {
                out.put(field, v.isArray() ? join(v) : v.asText());
            }
        }
        JsonNode run = n.get("run");
        if (run != null && run.isObject()) {
            out.put("run", run.path("id").asText());
            out.put("status", run.path("status").asText());
        }
        return out;
    }

    private static String join(JsonNode array) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : array) {
            if (e.isValueNode()) {
                b.append(b.length() == 0 ? "" : ",").append(e.asText());
            }
        }
        return b.toString();
    }
}
