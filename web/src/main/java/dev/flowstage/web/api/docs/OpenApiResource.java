package dev.flowstage.web.api.docs;

import io.swagger.v3.core.util.Json;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.glassfish.jersey.server.ExtendedResourceContext;

/**
 * {@code GET /api/v1/openapi.json}: the API's {@link OpenApiDocument}, built on first request and
 * kept, since the resource model does not change while the server runs. Served without credentials:
 * it describes the calls, it returns no data (AuthFilter lets it through).
 */
@Path(OpenApiResource.PATH)
@Singleton
public final class OpenApiResource {
    public static final String PATH = "openapi.json";
    private volatile String document;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String get(@Context ExtendedResourceContext context) {
        String d = document;
        if (d == null) {
            try {
                d = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                        OpenApiDocument.of(context.getResourceModel().getRootResources()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            document = d;
        }
        return d;
    }
}
