package dev.flowstage.web.api.docs;

import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.server.model.Resource;

/**
 * The OpenAPI 3 description of the REST API, read by swagger-core from the resource classes Jersey
 * actually serves, so it cannot drift from the code. Every operation needs Basic or Bearer
 * credentials except the few the API serves without them ({@link #PUBLIC}).
 */
public final class OpenApiDocument {
    static final String BASIC = "basic";
    static final String BEARER = "bearer";
    /**
     * Paths answered without credentials: this document, a pipeline's webhook trigger, which is
     * authorized by the secret in its URL, and an upstream push webhook, authorized by its signature (see AuthFilter).
     */
    static final Set<String> PUBLIC = Set.of("/openapi.json", "/signing-key", "/teams/{team}/pipelines/{pipeline}/hooks/{secret}",
            "/teams/{team}/instances/{name}/upstream/hook");

    /** The web UI's sign-in ({@code POST}) is public; who is signed in and sign-out need the session. */
    static final String SIGN_IN = "/session";

    private OpenApiDocument() {}

    /** The document for the root resources of a Jersey application's resource model. */
    public static OpenAPI of(Collection<Resource> rootResources) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (Resource r : rootResources) {
            classes.addAll(r.getHandlerClasses());
        }
        OpenAPI base = new OpenAPI()
                .info(new Info().title("Flowstage REST API").version("v1")
                        .description("Teams, targets, snapshots, pipelines, reviews and events of a Flowstage "
                                + "server. Errors have the shape {\"error\":{\"code\":...,\"message\":...}}."))
                .servers(List.of(new Server().url("/api/v1")))
                .components(new Components()
                        .addSecuritySchemes(BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("user name with a password or a personal access token; a device "
                                        + "uses its name and device token"))
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("a personal access token or a device token")))
                .security(List.of(new SecurityRequirement().addList(BASIC), new SecurityRequirement().addList(BEARER)));
        OpenAPI api = new Reader(base).read(classes);
        if (api.getPaths() != null) {
            api.getPaths().forEach((path, item) -> {
                if (PUBLIC.contains(path)) {
                    operations(item).forEach(op -> op.setSecurity(new ArrayList<>()));
                }
                if (SIGN_IN.equals(path) && item.getPost() != null) {
                    // signing in is how a browser gets its session cookie: it takes a password, not credentials
                    item.getPost().setSecurity(new ArrayList<>());
                }
            });
        }
        return api;
    }

    private static List<Operation> operations(PathItem item) {
        return new ArrayList<>(item.readOperations());
    }
}
