package dev.flowstage.web.events;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.ThrottledAuthenticator;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.events.DeliveryLog;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.events.PushEventsGitAccess;
import dev.flowstage.hooks.events.ReviewEventsStore;
import dev.flowstage.hooks.events.RunEventsStore;
import dev.flowstage.hooks.events.PendingDeliveries;
import dev.flowstage.hooks.events.WebhookDispatcher;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.pipeline.LiveCapture;
import dev.flowstage.hooks.pipeline.PipelineEngine;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.hooks.trigger.PipelineWebhook;
import dev.flowstage.hooks.trigger.PushTrigger;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.run.GitRunStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.web.WebApp;
import dev.flowstage.web.api.ApiResourceConfig;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.api.TeamGuard;
import dev.flowstage.web.api.pipelines.PipelineApi;
import dev.flowstage.web.git.FlowstageGitServlet;
import dev.flowstage.web.git.GitAuthFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The server's one servlet context ({@link WebApp#create}: Git smart HTTP, the REST API) plus the event
 * WebSocket, on an in-process Jetty over real stores, with team {@code acme} (owner olive, viewer vera,
 * instances dev and qa) and a stranger, mallory. Pushes reach the WebSocket, the team's webhooks
 * (retries after a few milliseconds) and the push trigger, which deploys through a recording runner.
 */
public final class EventsServer implements AutoCloseable {
    public static final String PASSWORD = "password-1";

    public final Path data;
    public final LocalRepoStore repos;
    public final GitSiteStore site;
    public final GitTeamStore teams;
    public final ApiServices services;
    public final TeamGuard guard;
    public final EventBus bus = new EventBus();
    public final EventTickets tickets;
    public final ConfigPipelineStore pipelines;
    public final WebhookStore webhooks;
    public final DeliveryLog deliveries;
    /** The stand-in runner, or null when the server runs the real pipeline engine. */
    public final RecordingRunner runner;
    /** The real engine, or null. */
    public final PipelineEngine engine;
    private final WebhookDispatcher dispatcher;
    private final OutboundHttp outbound;
    public final String base;
    private final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    private final EventStreams streams;
    private final Server server = new Server();
    private final ServerConnector connector;

    public EventsServer(Path data, EventStreams.Settings settings, Consumer<ApiResourceConfig> extra) throws Exception {
        this(data, settings, extra, false);
    }

    /** With {@code realEngine}, triggers deploy through a {@link PipelineEngine} over the same stores. */
    public EventsServer(Path data, EventStreams.Settings settings, Consumer<ApiResourceConfig> extra,
                        boolean realEngine) throws Exception {
        this.data = data;
        Clock clock = Clock.systemUTC();
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        site = new GitSiteStore(data.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        for (String user : new String[] {"olive", "vera", "mallory"}) {
            site.createUser(user, hasher.hash(PASSWORD), false);
        }
        teams.create("acme", "olive");
        teams.edit("acme", "olive", "set up", c -> c
                .withMember("vera", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", instance("dev"))
                .withTarget("qa", instance("qa")));
        repos.create(new RepoName("acme", "dev")).close();
        repos.create(new RepoName("acme", "qa")).close();
        teams.create("other", "mallory");

        // Failed sign-ins throttled as on the server, with a first wait of a minute so no test races it
        Authenticator auth = new ThrottledAuthenticator(new CachingAuthenticator(site, hasher, clock), new LoginThrottle(
                new LoginThrottle.Limits(10, 50, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(15)), clock));
        TeamAccessControl access = new TeamAccessControl(teams);
        services = new ApiServices(site, teams, repos, auth, access, hasher,
                AesGcmSecretBox.loadOrCreate(data.resolve("secrets/master.key")), clock,
                new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222"));
        guard = new TeamGuard(teams, access);
        tickets = new EventTickets(clock, EventTickets.DEFAULT_VALIDITY);
        pipelines = new ConfigPipelineStore(teams, services.secrets());
        runner = realEngine ? null : new RecordingRunner();
        engine = realEngine ? new PipelineEngine(teams,
                new RunEventsStore(new GitRunStore(repos, clock), bus, clock),
                new ReviewEventsStore(new GitReviewStore(repos, clock), bus, clock),
                repos, services.secrets(), clock, MainMovedListener.NONE, LiveCapture.NONE, 2) : null;
        if (engine != null) {
            engine.start();
        }
        PipelineRunner deploys = realEngine ? engine : runner;
        webhooks = new WebhookStore(teams, services.secrets(), clock, AddressPolicy.parse("127.0.0.1"));
        deliveries = new DeliveryLog(repos, 20);
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")), Duration.ofSeconds(2));
        dispatcher = new WebhookDispatcher(webhooks, deliveries, clock, new WebhookDispatcher.Settings(3,
                Duration.ofMillis(20), 2.0, Duration.ofSeconds(2)), outbound, new PendingDeliveries(repos));
        dispatcher.subscribeTo(bus);
        bus.subscribe(null, new PushTrigger(pipelines, deploys, repos));
        ApiResourceConfig api = realEngine ? new ApiResourceConfig(services, new PipelineApi(pipelines, engine))
                : new ApiResourceConfig(services);
        api.register(new EventsApiFeature(tickets, webhooks, deliveries,
                new PipelineWebhook(pipelines, deploys, services.secrets()), pipelines));
        extra.accept(api);

        PushEventsGitAccess git = new PushEventsGitAccess(new DefaultGitAccess(repos, teams, access,
                new GitLimits(64L << 20, 1L << 20, Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), bus, clock);
        ServletContextHandler context = WebApp.create(new GitAuthFilter(auth), new FlowstageGitServlet(git), api,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), services::urls);
        streams = new EventStreams(bus, auth, access, teams, tickets, clock, settings);
        streams.mount(context);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        base = "127.0.0.1:" + connector.getLocalPort();
    }

    private static Target instance(String name) {
        return new Target(TargetKind.INSTANCE, name, "app", false, null, null, null, null, Instant.EPOCH);
    }

    public static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** Commits {@code files} (path, content, ...) on top of {@code work}'s HEAD and pushes it to {@code ref} of acme/TARGET. */
    public RevCommit push(Path work, String target, String ref, String message, String... files) throws Exception {
        try (Git g = Files.exists(work.resolve(".git")) ? Git.open(work.toFile())
                : Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            for (int i = 0; i < files.length; i += 2) {
                Path f = work.resolve(files[i]);
                Files.createDirectories(f.getParent());
                Files.writeString(f, files[i + 1]);
                g.add().addFilepattern(files[i]).call();
            }
            RevCommit c = g.commit().setMessage(message).setAuthor("olive", "olive@example.test")
                    .setCommitter("olive", "olive@example.test").setAllowEmpty(true).call();
            Iterable<PushResult> results = g.push()
                    .setRemote("http://" + base + "/git/acme/" + target + ".git")
                    .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("HEAD:" + ref))
                    .setCredentialsProvider(new UsernamePasswordCredentialsProvider("olive", PASSWORD))
                    .call();
            for (PushResult r : results) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK) {
                        throw new AssertionError("push refused: " + u.getStatus() + " " + u.getMessage()
                                + " " + r.getMessages());
                    }
                }
            }
            return c;
        }
    }

    public static String sha(ObjectId id) {
        return id.name();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        streams.close();
        bus.close();
        dispatcher.close();
        outbound.close();
        if (engine != null) {
            engine.close();
        }
        gc.close();
        site.close();
    }
}
