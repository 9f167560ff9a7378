package dev.flowstage.web.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;

/**
 * Refuses a POST, PUT or PATCH body that is not sent as {@code application/json} with a 415 that
 * says which Content-Type the call expects. Jersey would otherwise read a body without a
 * Content-Type as JSON anyway, or answer a bare "Unsupported Media Type". Calls declared to take
 * any type (a pipeline's webhook trigger, fed by other systems) and calls without a body are left
 * alone.
 */
@Priority(Priorities.HEADER_DECORATOR)
final class JsonContentTypeFilter implements ContainerRequestFilter {
    private static final Set<String> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!WITH_BODY.contains(request.getMethod()) || !request.hasEntity() || takesAnyType()) {
            return;
        }
        MediaType type = request.getMediaType();
        if (type == null || !isJson(type)) {
            request.abortWith(refusal(request.getMethod(), request.getUriInfo().getRequestUri().getPath(),
                    request.getHeaderString("Content-Type")));
        }
    }

    /** The 415 for a body sent as {@code contentType} (null when the header is missing). */
    static Response refusal(String method, String path, String contentType) {
        String given = contentType == null || contentType.isBlank() ? "no Content-Type header"
                : "Content-Type '" + contentType + "' is not accepted";
        return ApiError.response(415, "unsupported_media_type",
                given + ": " + method + " " + path + " expects Content-Type: application/json");
    }

    static boolean isJson(MediaType type) {
        return "application".equalsIgnoreCase(type.getType()) && "json".equalsIgnoreCase(type.getSubtype());
    }

    private boolean takesAnyType() {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return false;
        }
        Consumes consumes = method.getAnnotation(Consumes.class);
        if (consumes == null) {
            consumes = resource.getResourceClass().getAnnotation(Consumes.class);
        }
        return consumes != null && Arrays.asList(consumes.value()).contains(MediaType.WILDCARD);
    }
}
