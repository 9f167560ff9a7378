package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API description, the API docs page and the pages outside the API, fetched from the shaded
 * jar started as its own process: what is served is what is in {@code flowstage.jar}.
 */
class ApiDocsIT {
    @TempDir
    static Path tmp;
    private static ServerProcess server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess(tmp.resolve("data"), tmp.resolve("server.log"));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theApiDescriptionListsEveryCallOfTheJerseyApplicationWithoutCredentials() throws Exception {
        HttpResponse<String> r = get("/api/v1/openapi.json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode doc = new ObjectMapper().readTree(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("servers").path(0).path("url").asText()).isEqualTo("/api/v1");

        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method ->
                    described.add(method.toUpperCase() + " " + path.getKey().replaceAll("^/", "")));
        }
        assertThat(described).as("calls in openapi.json vs resource methods of the Jersey application")
                .isEqualTo(JerseyResources.calls());

        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path("basic").path("type").asText()).isEqualTo("http");
        assertThat(schemes.path("basic").path("scheme").asText()).isEqualTo("basic");
        assertThat(schemes.path("bearer").path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.path("security").toString()).contains("basic").contains("bearer");
        assertThat(doc.path("paths").path("/openapi.json").path("get").path("security").isArray()).isTrue();
        assertThat(doc.path("paths").path("/openapi.json").path("get").path("security")).isEmpty();
        assertThat(doc.path("paths").path("/teams/{team}/pipelines/{pipeline}/hooks/{secret}").path("post")
                .path("security")).isEmpty();
        assertThat(doc.path("paths").path("/teams").path("post").has("security")).as("the global rule applies").isFalse();
    }

    @Test
    void theApiDocsPageAndSwaggerUiComeFromTheJar() throws Exception {
        HttpResponse<String> page = get("/api/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("/api/docs/swagger-ui-bundle.js").contains("/api/docs/swagger-ui.css")
                .doesNotContain("https://");

        HttpResponse<String> init = get("/api/docs/flowstage-init.js");
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.body()).contains("/api/v1/openapi.json");

        HttpResponse<String> bundle = get("/api/docs/swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(bundle.body()).contains("SwaggerUIBundle").hasSizeGreaterThan(100_000);
        HttpResponse<String> css = get("/api/docs/swagger-ui.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");

        assertThat(get("/api/docs/no-such-file.js").statusCode()).isEqualTo(404);
        assertThat(get("/api/docs/..%2Fpom.properties").statusCode()).isIn(400, 404);
    }

    @Test
    void theRootIsTheWebUiTheWelcomePageStaysAndUnknownPagesAreAPlain404() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(root.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(root.body()).contains("<title>Flowstage</title>").containsPattern("/ui/[0-9a-f]{12}/app\\.js");

        HttpResponse<String> welcome = get("/welcome");
        assertThat(welcome.statusCode()).isEqualTo(200);
        assertThat(welcome.body()).contains("href=\"/api/docs\"").contains("href=\"/api/v1/openapi.json\"")
                .contains("href=\"/healthz\"").contains("/git/TEAM/TARGET.git").contains("/TEAM/TARGET.git");

        HttpResponse<String> missing = get("/no/such/page");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(missing.body()).startsWith("flowstage: no such page").doesNotContain("Jetty").doesNotContain("<");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.httpBase() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
