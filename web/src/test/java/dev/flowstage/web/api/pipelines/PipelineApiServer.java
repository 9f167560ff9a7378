package dev.flowstage.web.api.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.pipeline.LiveCapture;
import dev.flowstage.hooks.pipeline.PipelineEngine;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.run.GitRunStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import dev.flowstage.web.api.ApiJson;
import dev.flowstage.web.api.ApiResourceConfig;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.PublicUrls;
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
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The API with the pipeline resources on an in-process Jetty over real stores, the pipeline engine
 * listening to the review service. Team "acme": owners olga and oscar, member mia, viewer vic;
 * instances dev, qa and prod (protected) of application "factory".
 */
final class PipelineApiServer implements AutoCloseable {
    static final ObjectMapper JSON = ApiJson.create();
    static final String ADMIN = basic("admin", "admin-password-1");
    static final String OLGA = basic("olga", "olga-password");
    static final String OSCAR = basic("oscar", "oscar-password");
    static final String MIA = basic("mia", "mia-password");
    static final String VIC = basic("vic", "vic-password");

    final LocalRepoStore repos;
    final PipelineEngine engine;
    private final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    private final GitSiteStore site;
    private final Server server = new Server();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    PipelineApiServer(Path data) throws Exception {
        Clock clock = Clock.systemUTC();
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        site = new GitSiteStore(data.resolve("site.git"), clock);
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        AesGcmSecretBox secrets = AesGcmSecretBox.loadOrCreate(data.resolve("secrets/master.key"));
        TeamAccessControl access = new TeamAccessControl(teams);
        GitReviewStore reviewStore = new GitReviewStore(repos, clock);
        engine = new PipelineEngine(teams, new GitRunStore(repos, clock), reviewStore, repos, secrets, clock,
                MainMovedListener.NONE, LiveCapture.NONE, 2);
        ReviewService reviews = new ReviewService(reviewStore, repos, access, clock, MainMovedListener.NONE);
        reviews.addListener(engine);
        ApiServices services = new ApiServices(site, teams, repos, new CachingAuthenticator(site, hasher, clock),
                access, hasher, secrets, clock,
                new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222"), reviews);
        site.createUser("admin", hasher.hash("admin-password-1"), true);
        for (String user : List.of("olga", "oscar", "mia", "vic")) {
            site.createUser(user, hasher.hash(user + "-password"), false);
        }
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(new ApiResourceConfig(services,
                new PipelineApi(new ConfigPipelineStore(teams, secrets), engine)))), "/api/v1/*");
        server.setHandler(new GracefulHandler(context));
        server.setStopTimeout(5000);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v1";

        post("/teams", ADMIN, "{\"name\":\"acme\"}").expect(201);
        for (String[] m : new String[][] {{"olga", "owner"}, {"oscar", "owner"}, {"mia", "member"}, {"vic", "viewer"}}) {
            call("PUT", "/teams/acme/members/" + m[0], ADMIN, "{\"role\":\"" + m[1] + "\"}").expect(201);
        }
        post("/teams/acme/applications", OLGA, "{\"name\":\"factory\"}").expect(201);
        post("/teams/acme/instances", OLGA, "{\"name\":\"dev\",\"application\":\"factory\"}").expect(201);
        post("/teams/acme/instances", OLGA, "{\"name\":\"qa\",\"application\":\"factory\"}").expect(201);
        post("/teams/acme/instances", OLGA, "{\"name\":\"prod\",\"application\":\"factory\",\"protected\":true}")
                .expect(201);
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    Reply call(String method, String path, String auth, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.header("Authorization", auth);
        return new Reply(client.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    Reply get(String path, String auth) throws IOException, InterruptedException {
        return call("GET", path, auth, null);
    }

    Reply post(String path, String auth, String body) throws IOException, InterruptedException {
        return call("POST", path, auth, body);
    }

    /** Polls the run until it leaves queued/running; returns it. */
    JsonNode awaitRun(String pipeline, String id) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode run = get("/teams/acme/pipelines/" + pipeline + "/runs/" + id, OLGA).expect(200);
            String s = run.path("status").asText();
            if (!s.equals("queued") && !s.equals("running")) {
                return run;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("run " + id + " still " + s);
            }
            Thread.sleep(10);
        }
    }

    ObjectId commit(String target, Snapshot s) throws IOException {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            ObjectId parent = repo.resolve("refs/heads/main");
            PersonIdent who = new PersonIdent("test", "test@flowstage");
            ObjectId id = SnapshotWriter.commit(repo, s, parent == null ? List.of() : List.of(parent), who, who, "edit");
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setExpectedOldObjectId(parent == null ? ObjectId.zeroId() : parent);
            ru.setNewObjectId(id);
            ru.update();
            return id;
        }
    }

    ObjectId main(String target) throws IOException {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            return repo.resolve("refs/heads/main");
        }
    }

    Snapshot snapshot(String target, ObjectId commit) throws IOException {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            return SnapshotReader.read(repo, commit);
        }
    }

    /** An answer, its body parsed as JSON. */
    record Reply(int status, String text) {
        Reply(HttpResponse<String> raw) {
            this(raw.statusCode(), raw.body());
        }

        JsonNode expect(int expected) throws IOException {
            assertEquals(expected, status, () -> "unexpected status; body: " + text);
            return text.isEmpty() ? null : JSON.readTree(text);
        }

        String error(int expected, String code) throws IOException {
            JsonNode body = expect(expected);
            assertEquals(code, body.path("error").path("code").asText(), text);
            return body.path("error").path("message").asText();
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
        engine.close();
        gc.close();
        site.close();
    }
}
