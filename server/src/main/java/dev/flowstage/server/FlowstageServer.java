package dev.flowstage.server;

import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.devices.DeviceWatches;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.WebhookDispatcher;
import dev.flowstage.hooks.events.WebhookStore;
import dev.flowstage.hooks.upstream.UpstreamScheduler;
import dev.flowstage.hooks.nodered.NodeRedDeployer;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.pipeline.PipelineEngine;
import dev.flowstage.storage.signing.SigningKey;
import dev.flowstage.hooks.trigger.PushTrigger;
import dev.flowstage.hooks.trigger.ScheduleTrigger;
import dev.flowstage.web.events.EventStreams;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.http.JettyLauncher;
import dev.flowstage.server.logging.LogFile;
import dev.flowstage.server.ssh.HostKey;
import dev.flowstage.server.ssh.SshServerLifecycle;
import dev.flowstage.server.tls.TlsMaterial;
import dev.flowstage.server.wiring.BoundPorts;
import dev.flowstage.server.wiring.DaggerServerComponent;
import dev.flowstage.web.api.ApiWarmUp;
import dev.flowstage.server.wiring.ServerComponent;
import dev.flowstage.storage.audit.AuditQueue;
import dev.flowstage.storage.audit.GitAuditStore;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.HostConfigIsolation;
import dev.flowstage.storage.repo.StorageTuning;
import dev.flowstage.storage.secret.PasswordHasher;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Flowstage: storage, the GC queue and the HTTP(S) and SSH listeners, started and stopped together. */
public final class FlowstageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowstageServer.class);
    private static final java.time.Duration SCHEDULE_POLL = java.time.Duration.ofSeconds(15);

    private final ServerConfig config;
    private final SiteStore site;
    private final PasswordHasher hasher;
    private final GcQueue gc;
    private final JettyLauncher jetty;
    private final SshServerLifecycle ssh;
    private final TlsMaterial tls;
    private final HostKey hostKey;
    private final BoundPorts ports;
    private final NodeRedDeployer deployer;
    private final EventBus events;
    private final EventStreams streams;
    private final WebhookDispatcher webhooks;
    private final WebhookStore webhookFiles;
    private final PipelineEngine engine;
    private final ScheduleTrigger schedule;
    private final OutboundHttp outbound;
    private final AuditQueue audit;
    private final GitAuditStore auditStore;
    private final DeviceStatusStore deviceStatuses;
    private final DeviceWatches deviceWatches;
    private final SigningKey signingKey;
    private final UpstreamScheduler upstream;
    private Banner banner;
    private ServerLock lock;
    private Optional<LogFile> logFile = Optional.empty();

    @Inject
    FlowstageServer(ServerConfig config, SiteStore site, PasswordHasher hasher, GcQueue gc, JettyLauncher jetty,
                    SshServerLifecycle ssh, TlsMaterial tls, HostKey hostKey, BoundPorts ports,
                    NodeRedDeployer deployer, EventBus events, EventStreams streams, WebhookDispatcher webhooks,
                    PipelineEngine engine, PushTrigger pushTrigger, ScheduleTrigger schedule, WebhookStore webhookFiles,
                    OutboundHttp outbound, AuditQueue audit, GitAuditStore auditStore,
                    DeviceStatusStore deviceStatuses, DeviceWatches deviceWatches,
                    SigningKey signingKey, UpstreamScheduler upstream) {
        this.upstream = upstream;
        this.signingKey = signingKey;
        this.deviceStatuses = deviceStatuses;
        this.deviceWatches = deviceWatches;
        this.outbound = outbound;
        this.audit = audit;
        this.auditStore = auditStore;
        this.webhookFiles = webhookFiles;
        this.engine = engine;
        this.schedule = schedule;
        this.deployer = deployer;
        this.events = events;
        this.streams = streams;
        this.webhooks = webhooks;
        this.config = config;
        this.site = site;
        this.hasher = hasher;
        this.gc = gc;
        this.jetty = jetty;
        this.ssh = ssh;
        this.tls = tls;
        this.hostKey = hostKey;
        this.ports = ports;
    }

    /** Loads the configuration from {@code args} (the options after {@code serve}) and {@code env}, then starts. */
    public static FlowstageServer start(List<String> args, Map<String, String> env) throws Exception {
        return start(new ConfigLoader().load(args, env));
    }

    /**
     * Starts on {@code config}'s data directory, which it locks first.
     * @throws ServerLock.Held when a server already runs there
     * @throws dev.flowstage.server.config.ListenException when a port cannot be bound
     */
    public static FlowstageServer start(ServerConfig config) throws Exception {
        // First, so that what the start logs is in the file too (what was logged before is on the console)
        Optional<LogFile> logFile = config.logFile().flatMap(f -> LogFile.open(f, config.logKeepDays()));
        try {
            ServerLock lock = ServerLock.acquire(config.dataDir());
            try {
                FlowstageServer server = startLocked(config);
                server.lock = lock;
                server.logFile = logFile;
                return server;
            } catch (Exception | Error e) {
                lock.close();
                throw e;
            }
        } catch (Exception | Error e) {
            logFile.ifPresent(LogFile::close);
            throw e;
        }
    }

    private static FlowstageServer startLocked(ServerConfig config) throws Exception {
        // Before any repository is opened: host git config is ignored, the window cache is sized once.
        HostConfigIsolation.install(config.dataDir().resolve("jgit.config"));
        StorageTuning.installWindowCache(config.windowCacheMb() * 1024L * 1024L, config.windowCacheOpenFiles());
        Thread warmUp = new Thread(() -> {
            try {
                ApiWarmUp.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("API warm-up failed; the API starts without it", e);
            }
        }, "flowstage-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        ServerComponent graph = DaggerServerComponent.factory().create(config, Clock.systemUTC());
        // The TLS material and the SSH server (Bouncy Castle, MINA) need little of the rest: build them
        // on the second core while this thread builds the API. Dagger's singletons are thread-safe; a
        // failure there is thrown again, and reported, when server() needs the same part.
        Thread side = new Thread(() -> {
            try {
                graph.tls();
                graph.ssh();
            } catch (RuntimeException e) {
                LOG.debug("building TLS/SSH ahead failed; the main thread reports it", e);
            }
        }, "flowstage-start");
        side.setDaemon(true);
        side.start();
        FlowstageServer server = graph.server();
        try {
            server.startListeners();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startListeners() throws Exception {
        gc.start();
        long t0 = System.nanoTime();
        // Recovery first: runs interrupted by a stop are resolved, queued ones resume, before new deploys.
        // It runs beside the listeners' start; deploys, rollbacks and review outcomes wait for it.
        CompletableFuture<Void> recovery = engine.startInBackground().whenComplete((ok, e) -> {
            if (e != null) {
                LOG.error("start-up recovery of pipeline runs failed", e);
            } else {
                LOG.info("pipeline runs recovered in {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
        });
        schedule.start(SCHEDULE_POLL);
        ports.from(jetty::httpPort, jetty::httpsPort, ssh::port);
        // Bind SSH while Jetty takes its ports
        CompletableFuture<Void> sshStarted = CompletableFuture.runAsync(() -> {
            try {
                ssh.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        jetty.bind();
        try {
            sshStarted.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : e;
        }
        // Only once every port is bound, so that a start that fails to bind leaves no admin behind
        // whose generated password scrolled past in the error output; and before HTTP serves, so
        // that the first request already finds admin. (SSH takes keys only, and admin has none yet.)
        InitialAdminPassword initial = new InitialAdminPassword(config.dataDir());
        FirstStart.Result admin = FirstStart.ensureAdmin(site, hasher, config.adminPassword(), initial);
        if (admin.ignoredConfigured()) {
            LOG.warn("FLOWSTAGE_ADMIN_PASSWORD is set but ignored: user '{}' already exists (change its password with"
                    + " PATCH /api/v1/users/{} or, server stopped, 'flowstage admin reset-password')",
                    FirstStart.ADMIN, FirstStart.ADMIN);
        }
        jetty.start();
        banner = new Banner(config.publicHost(), jetty.httpPort(), jetty.httpsPort(), ssh.port(),
                tls.sha256Fingerprint(), hostKey.fingerprint(), admin.generated(),
                initial.exists() ? Optional.of(initial.file()) : Optional.empty(), signingKey.fingerprint());
        LOG.info("Flowstage started in {} ms (listeners {} ms{}): HTTP {}, HTTPS {}, SSH {}",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
                (System.nanoTime() - t0) / 1_000_000, recovery.isDone() ? "" : ", run recovery going on",
                jetty.httpPort(), jetty.httpsPort(), ssh.port());
        // Live instances whose last deploy failed or that moved while the server was down: off the
        // start-up path, so start-up time does not grow with the number of teams.
        // Webhook files an older version wrote with the URL in plain text get it sealed, also off that path.
        Thread catchUp = new Thread(() -> {
            sealWebhookUrls();
            webhooks.resume(site.teams()); // deliveries a previous run left pending
            deployer.catchUp(site.teams());
            upstream.start(); // instances following external repositories, from their stored schedule
        }, "flowstage-catch-up");
        catchUp.setDaemon(true);
        catchUp.start();
    }

    private void sealWebhookUrls() {
        for (String team : site.teams()) {
            try {
                int n = webhookFiles.sealPlainUrls(team);
                if (n > 0) {
                    LOG.info("sealed the URLs of {} webhook(s) of team {}; earlier values stay in the history of"
                            + " its _config.git: rotate them where they are credentials", n, team);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not seal the webhook URLs of team {}: {}", team, e.toString());
            }
        }
    }

    /** What to print at start-up; holds the generated admin password, so it goes to the console only. */
    public Banner banner() {
        return banner;
    }

    /** Writes the audit entries still queued (they are written in batches); false when that took too long. */
    public boolean flushAudit(java.time.Duration timeout) {
        return audit.flush(timeout);
    }

    public int httpPort() {
        return jetty.httpPort();
    }

    public int httpsPort() {
        return jetty.httpsPort();
    }

    public int sshPort() {
        return ssh.port();
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        closeQuietly(jetty);
        closeQuietly(ssh);
        closeQuietly(upstream);
        closeQuietly(deviceWatches);
        closeQuietly(deviceStatuses); // after Jetty: the last reports are in the file
        closeQuietly(schedule);
        closeQuietly(engine);
        closeQuietly(streams);
        closeQuietly(webhooks);
        closeQuietly(events);
        closeQuietly(deployer);
        closeQuietly(outbound); // after everything that calls out
        // after everything that records changes has stopped, before the repositories are let go
        closeQuietly(audit);
        closeQuietly(auditStore);
        closeQuietly(gc);
        if (site instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        if (lock != null) {
            lock.close();
        }
        LOG.info("Flowstage stopped");
        logFile.ifPresent(LogFile::close); // after the last line
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
