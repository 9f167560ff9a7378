package dev.flowstage.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.web.ops.HealthServlet;
import dev.flowstage.web.ops.MetricsServlet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The API on an in-process Jetty on an ephemeral port, over the real Git-backed stores in a data
 * directory, with an HTTP client that speaks to it. One admin user exists from the start.
 */
final class ApiServer implements AutoCloseable {
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-password-1";
    static final ObjectMapper JSON = ApiJson.create();

    final Path data;
    final ApiServices services;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    private final GitSiteStore site;
    private final Server server = new Server();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    ApiServer(Path data) throws Exception {
        this(data, repos -> repos);
    }

    /** {@code wrapRepos} may put a failing layer over the real repository store. */
    ApiServer(Path data, UnaryOperator<RepoStore> wrapRepos) throws Exception {
        this.data = data;
        Clock clock = Clock.systemUTC();
        // Cheap Argon2 parameters: the tests hash many passwords and measure none of them.
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        site = new GitSiteStore(data.resolve("site.git"), clock);
        LocalRepoStore repos = new LocalRepoStore(data.resolve("repos"), gc);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        services = new ApiServices(site, teams, wrapRepos.apply(repos), new CachingAuthenticator(site, hasher, clock),
                new TeamAccessControl(teams), hasher, AesGcmSecretBox.loadOrCreate(data.resolve("secrets/master.key")),
                clock, new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222"));
        site.createUser(ADMIN, hasher.hash(ADMIN_PASSWORD), true);

        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(new ApiResourceConfig(services))), "/api/v1/*");
        context.addServlet(new ServletHolder(new HealthServlet()), "/healthz");
        context.addServlet(new ServletHolder(new MetricsServlet(metrics)), "/metrics");
        // graceful stop: a test's last response is fully written before the connector closes
        server.setHandler(new GracefulHandler(context));
        server.setStopTimeout(5000);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** Basic credentials for {@code user:secret}. */
    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static String admin() {
        return basic(ADMIN, ADMIN_PASSWORD);
    }

    /** One HTTP exchange; {@code path} is below {@code /api/v1} unless it starts with "//". */
    Reply call(String method, String path, String auth, String body) throws IOException, InterruptedException {
        return call(method, path, auth, body, "application/json");
    }

    Reply call(String method, String path, String auth, String body, String contentType)
            throws IOException, InterruptedException {
        String url = path.startsWith("//") ? base + path.substring(1) : base + "/api/v1" + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r);
    }

    Reply get(String path, String auth) throws IOException, InterruptedException {
        return call("GET", path, auth, null);
    }

    Reply post(String path, String auth, String body) throws IOException, InterruptedException {
        return call("POST", path, auth, body);
    }

    /** Creates {@code user} with {@code password}, as admin, and returns their Basic credentials. */
    String user(String user, String password) throws Exception {
        post("/users", admin(), "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}").expect(201);
        return basic(user, password);
    }

    /** An answer, its body parsed as JSON when it is JSON. */
    static final class Reply {
        final int status;
        final String text;
        final HttpResponse<String> raw;

        Reply(HttpResponse<String> raw) {
            this.raw = raw;
            this.status = raw.statusCode();
            this.text = raw.body();
        }

        JsonNode json() throws IOException {
            return JSON.readTree(text);
        }

        /** Asserts the status and returns the JSON body (null when empty). */
        JsonNode expect(int expected) throws IOException {
            assertEquals(expected, status, () -> "unexpected status; body: " + text);
            return text.isEmpty() ? null : json();
        }

        /** Asserts status and error code; returns the error message. */
        String error(int expected, String code) throws IOException {
            JsonNode body = expect(expected);
            assertEquals(code, body.path("error").path("code").asText(), text);
            return body.path("error").path("message").asText();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
        gc.close();
        site.close();
    }
}
