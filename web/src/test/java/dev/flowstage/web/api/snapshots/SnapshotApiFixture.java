package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.hooks.nodered.InstanceStatusStore;
import dev.flowstage.hooks.nodered.NodeRedClients;
import dev.flowstage.hooks.nodered.NodeRedDeployer;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.receive.ReceiveServices;
import dev.flowstage.hooks.receive.SnapshotCheck;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import dev.flowstage.web.api.ApiJson;
import dev.flowstage.web.api.ApiResourceConfig;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.git.FlowstageGitServlet;
import dev.flowstage.web.git.GitAuthFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * In-process Jetty with the REST API and the Git servlet over the real stores, for the snapshot API:
 * team {@code acme} with owner olga, member mia and viewer vic (mallory is in no team); instance {@code dev}
 * (credentialSecret "dev-secret"), protected instance {@code prod}, device {@code pi-1} and group {@code g1}.
 */
final class SnapshotApiFixture implements AutoCloseable {
    static final ObjectMapper JSON = ApiJson.create();
    static final String DEV_SECRET = "dev-secret";

    final Clock clock = Clock.systemUTC();
    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final AesGcmSecretBox secrets;
    final MainMovedListeners mainMoved = new MainMovedListeners();
    final Map<String, String> tokens = new HashMap<>();
    final NodeRedDeployer deployer;
    final OutboundHttp outbound;
    private final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    private final Server server = new Server();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final String base;

    SnapshotApiFixture(Path dir) throws Exception {
        repos = new LocalRepoStore(dir.resolve("data/repos"), gc);
        site = new GitSiteStore(dir.resolve("data/site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        secrets = AesGcmSecretBox.loadOrCreate(dir.resolve("data/secrets/master.key"));
        GitReviewStore reviews = new GitReviewStore(repos, clock);
        TeamAccessControl accessControl = new TeamAccessControl(teams);
        ReviewService reviewService = new ReviewService(reviews, repos, accessControl, clock, mainMoved);
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        for (String user : List.of("olga", "mia", "vic", "mallory")) {
            site.createUser(user, hasher.hash(Tokens.randomPassword()), false);
            String token = Tokens.newPersonalToken();
            site.addToken(user, new AccessToken("t", Tokens.hash(token), TokenScope.WRITE, Instant.now(), null));
            tokens.put(user, token);
        }
        teams.create("acme", "olga");
        teams.edit("acme", "olga", "set up", c -> c
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "app", false, null,
                        secrets.seal(DEV_SECRET), null, null, Instant.EPOCH))
                .withTarget("prod", new Target(TargetKind.INSTANCE, "prod", "app", true, null, null, null, null,
                        Instant.EPOCH))
                .withTarget("g1", new Target(TargetKind.GROUP, "g1", "app", false, null, null, null, null,
                        Instant.EPOCH))
                .withTarget("pi-1", new Target(TargetKind.DEVICE, "pi-1", "app", false, null, null, null, "g1",
                        Instant.EPOCH)));
        for (String name : List.of("dev", "prod", "g1", "pi-1")) {
            repos.create(new RepoName("acme", name)).close();
        }
        CachingAuthenticator authenticator = new CachingAuthenticator(site, hasher, clock);
        DefaultGitAccess git = new DefaultGitAccess(repos, teams, accessControl,
                new GitLimits(64 << 20, 32 << 20, Duration.ofMinutes(1)), new SimpleMeterRegistry(),
                new ReceiveServices(new SnapshotCheck(), reviews, mainMoved));
        // as the server wires it: one listener for pushes, reviews and the API, the deployer registered on it
        // the fake Node-RED listens on 127.0.0.1, which the server reaches only when allowed explicitly
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")), Duration.ofSeconds(10));
        deployer = new NodeRedDeployer(teams, repos, secrets, new NodeRedClients(secrets, outbound, Duration.ofSeconds(10)),
                new InstanceStatusStore(repos), clock, 2);
        mainMoved.add(deployer);
        ApiServices services = new ApiServices(site, teams, repos, authenticator, accessControl, hasher, secrets,
                clock, new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222"),
                reviewService, NodeRedServices.create(repos, secrets, outbound, clock, mainMoved));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new GitAuthFilter(authenticator)), "/git/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FlowstageGitServlet(git)), "/git/*");
        context.addServlet(new ServletHolder(new ServletContainer(new ApiResourceConfig(services))), "/api/v1/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** An exchange with the API as {@code user}; {@code body} null means none. */
    Reply call(String user, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/" + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            String auth = user + ":" + tokens.get(user);
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        return new Reply(http.send(req.build(), HttpResponse.BodyHandlers.ofString()));
    }

    Reply get(String user, String path) throws IOException, InterruptedException {
        return call(user, "GET", path, null);
    }

    Reply post(String user, String path, String body) throws IOException, InterruptedException {
        return call(user, "POST", path, body);
    }

    /** The Git URL of acme/{@code target} with {@code user}'s token in it. */
    String gitUrl(String user, String target) {
        return base.replace("http://", "http://" + user + ":" + tokens.get(user) + "@") + "/git/acme/" + target + ".git";
    }

    /** Sets the Node-RED link of instance {@code name} (null removes it). */
    void linkNodeRed(String name, String url, String token) {
        teams.edit("acme", "olga", "link " + name, c -> {
            Target t = c.targets().get(name);
            NodeRedLink link = url == null ? null : new NodeRedLink(url, token == null ? null : secrets.seal(token));
            return c.withTarget(name, new Target(t.kind(), t.name(), t.application(), t.protectedMain(), link,
                    t.sealedCredentialSecret(), t.instance(), t.group(), t.createdAt()));
        });
    }

    /** The id {@code ref} points at in acme/{@code target}, or null. */
    ObjectId ref(String target, String ref) throws IOException {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            Ref r = repo.exactRef(ref);
            return r == null ? null : r.getObjectId();
        }
    }

    /** Commits {@code snapshot} server-side on top of main (or as its first commit) and moves main to it. */
    ObjectId seedMain(String target, Snapshot snapshot, String message) throws IOException {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            Ref main = repo.exactRef("refs/heads/main");
            PersonIdent who = new PersonIdent("Seed Author", "seed@example.test");
            ObjectId id = SnapshotWriter.commit(repo, snapshot, main == null ? List.of() : List.of(main.getObjectId()),
                    who, who, message);
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setNewObjectId(id);
            RefUpdate.Result result = ru.update();
            if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("seeding main of " + target + ": " + result);
            }
            return id;
        }
    }

    /** An answer, its body parsed as JSON when it is JSON. */
    record Reply(int status, String text) {
        Reply(HttpResponse<String> r) {
            this(r.statusCode(), r.body());
        }

        JsonNode json() throws IOException {
            return JSON.readTree(text);
        }

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
    }

    @Override
    public void close() throws Exception {
        server.stop();
        deployer.close();
        outbound.close();
        gc.close();
        site.close();
    }
}
