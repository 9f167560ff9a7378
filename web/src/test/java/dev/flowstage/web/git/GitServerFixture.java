package dev.flowstage.web.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.access.ThrottledAuthenticator;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.hooks.receive.ReceiveServices;
import dev.flowstage.hooks.receive.SnapshotCheck;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
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
import dev.flowstage.web.api.ApiResourceConfig;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.PublicUrls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * A Jetty server with the real stores, the Git servlet and the REST API for push and review tests: team
 * {@code acme} with owners olga and oscar, member mia and viewer vic (mallory is in no team); instances
 * {@code dev} and protected {@code prod}; device {@code pi-1}. Failed sign-ins are throttled as on the
 * server, except that the first wait is a minute (so that no test races it).
 */
final class GitServerFixture implements AutoCloseable {
    static final LoginThrottle.Limits THROTTLE = new LoginThrottle.Limits(10, 50, Duration.ofMinutes(5),
            Duration.ofMinutes(1), Duration.ofMinutes(15));

    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final GitReviewStore reviews;
    final ReviewService reviewService;
    final GitCli git;
    final PasswordHasher hasher = new PasswordHasher(64, 1, 1);
    final Map<String, String> tokens = new HashMap<>();
    private final Server server;
    private final String base;
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    GitServerFixture(Path dir, GitLimits limits, MainMovedListener mainMoved) throws Exception {
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(dir.resolve("data/repos"), new GcQueue(1000, Duration.ofHours(1)));
        site = new GitSiteStore(dir.resolve("data/site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        reviews = new GitReviewStore(repos, clock);
        TeamAccessControl accessControl = new TeamAccessControl(teams);
        reviewService = new ReviewService(reviews, repos, accessControl, clock, mainMoved);
        for (String user : List.of("olga", "oscar", "mia", "vic", "mallory")) {
            site.createUser(user, hasher.hash(Tokens.randomPassword()), false);
            String token = Tokens.newPersonalToken();
            site.addToken(user, new AccessToken("git", Tokens.hash(token), TokenScope.WRITE, Instant.now(), null));
            tokens.put(user, token);
        }
        teams.create("acme", "olga");
        teams.edit("acme", "olga", "set up", c -> c
                .withMember("oscar", Role.OWNER)
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", target(TargetKind.INSTANCE, "dev", false))
                .withTarget("prod", target(TargetKind.INSTANCE, "prod", true))
                .withTarget("pi-1", target(TargetKind.DEVICE, "pi-1", false)));
        for (String name : List.of("dev", "prod", "pi-1")) {
            repos.create(new RepoName("acme", name)).close();
        }
        DefaultGitAccess access = new DefaultGitAccess(repos, teams, accessControl, limits,
                new SimpleMeterRegistry(), new ReceiveServices(new SnapshotCheck(), reviews, mainMoved));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Authenticator authenticator = new ThrottledAuthenticator(new CachingAuthenticator(site, hasher, clock),
                new LoginThrottle(THROTTLE, clock));
        context.addFilter(new FilterHolder(new GitAuthFilter(authenticator)), "/git/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FlowstageGitServlet(access)), "/git/*");
        ApiServices services = new ApiServices(site, teams, repos, authenticator, accessControl, hasher,
                AesGcmSecretBox.loadOrCreate(dir.resolve("data/secrets/master.key")), clock,
                new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222"), reviewService);
        context.addServlet(new ServletHolder(new ServletContainer(new ApiResourceConfig(services))), "/api/v1/*");
        server.setHandler(context);
        server.start();
        base = "127.0.0.1:" + connector.getLocalPort() + "/git/";
        api = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v1/";
        git = new GitCli(dir.resolve("home"));
    }

    /** Calls the REST API as {@code user}; {@code body} null means no body. */
    HttpResponse<String> api(String user, String method, String path, String body) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":" + tokens.get(user)).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Basic " + auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Git server's base URL without credentials: {@code http://127.0.0.1:PORT/git/}. */
    String gitBase() {
        return "http://" + base;
    }

    /** The REST API's base URL: {@code http://127.0.0.1:PORT/api/v1/}. */
    String apiBase() {
        return api;
    }

    String url(String user, String repo) {
        return "http://" + user + ":" + tokens.get(user) + "@" + base + repo + ".git";
    }

    /** A fresh clone of {@code repo} as {@code user} in a new folder under {@code dir}. */
    Path clone(Path dir, String user, String repo) throws Exception {
        Path clone = Files.createTempDirectory(dir, "clone-");
        ok(git.run(clone, "clone", "-q", url(user, repo), "."));
        return clone;
    }

    /** Commits every change in {@code work}; returns the new commit id. */
    String commitAll(Path work, String message) throws Exception {
        ok(git.run(work, "add", "-A"));
        ok(git.run(work, "commit", "-q", "-m", message));
        return git.run(work, "rev-parse", "HEAD").output().trim();
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
            PersonIdent who = new PersonIdent("flowstage", "server@flowstage.invalid");
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

    static void ok(GitCli.Result r) {
        assertEquals(0, r.exit(), r.output());
    }

    private static Target target(TargetKind kind, String name, boolean protectedMain) {
        return new Target(kind, name, "app", protectedMain, null, null, null, null, Instant.EPOCH);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
