package dev.flowstage.web.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * Loads and initializes Jersey, HK2 and Jackson's JAX-RS support by building a throw-away application
 * with one resource. The server runs it on its second core while the main thread builds the object
 * graph, so that initializing the real API later finds those classes ready (the same idea as Spring
 * Boot's background pre-initializer). Nothing of it is kept.
 */
public final class ApiWarmUp {
    private ApiWarmUp() {}

    public static void run() {
        ResourceConfig config = new ResourceConfig();
        config.register(JacksonFeature.withoutExceptionMappers());
        config.register(Probe.class);
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        ApplicationHandler handler = new ApplicationHandler(config);
        handler.getInjectionManager().shutdown();
    }

    /** The one resource of the warm-up application; never served. */
    @Path("warm-up")
    public static final class Probe {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, String> get() {
            return Map.of("status", "ok");
        }
    }
}
