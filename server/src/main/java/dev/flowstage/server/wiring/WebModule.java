package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.web.WebApp;
import dev.flowstage.web.api.ApiResourceConfig;
import dev.flowstage.web.session.SessionFeature;
import dev.flowstage.web.session.WebSessions;
import dev.flowstage.web.api.signing.SigningKeyFeature;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.overview.OverviewFeature;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.web.api.audit.AuditApiFeature;
import dev.flowstage.web.api.devices.DeviceApiFeature;
import dev.flowstage.web.git.FlowstageGitServlet;
import dev.flowstage.web.git.GitAuthFilter;
import dev.flowstage.web.git.GitPollHandler;
import dev.flowstage.web.ops.RequestMetricsFilter;
import dev.flowstage.web.ops.JGitCacheMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import dev.flowstage.web.events.EventStreams;
import dev.flowstage.web.api.external.ExternalGitApiFeature;
import dev.flowstage.web.events.EventsApiFeature;
import dev.flowstage.web.api.pipelines.PipelineApi;

/** Metrics, the REST API, Git smart HTTP and the servlet context that serves them. */
@Module
public interface WebModule {
    @Provides
    @Singleton
    static PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JGitCacheMetrics().bindTo(registry);
        return registry;
    }

    @Provides
    @Singleton
    static MeterRegistry meterRegistry(PrometheusMeterRegistry prometheus) {
        return prometheus;
    }

    @Provides
    @Singleton
    static ApiServices apiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator auth,
                                   AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                                   BoundPorts ports, ReviewService reviews, NodeRedServices nodeRed) {
        return new ApiServices(site, teams, repos, auth, access, hasher, secrets, clock, ports::urls, reviews,
                nodeRed);
    }

    @Provides
    @Singleton
    static Handler handler(GitAccess git, Authenticator auth, ApiServices api, PrometheusMeterRegistry metrics,
                           EventStreams events, PipelineApi pipelines, EventsApiFeature eventsApi,
                           ServerConfig config, AuditApiFeature auditApi,
                           DeviceApiFeature deviceApi, SigningKeyFeature signingKeyApi,
                           ExternalGitApiFeature externalGitApi, DeviceFleet fleet) {
        ApiResourceConfig rest = new ApiResourceConfig(api, pipelines);
        rest.register(eventsApi);
        rest.register(auditApi);
        rest.register(deviceApi);
        rest.register(signingKeyApi);
        rest.register(externalGitApi);
        rest.register(new OverviewFeature(fleet));
        // browser sessions survive a restart: kept (ids hashed) in DATA/sessions.json
        rest.register(new SessionFeature(WebSessions.persistent(api.clock(), config.dataDir().resolve("sessions.json")),
                api.site()));
        RequestMetricsFilter requestMetrics = new RequestMetricsFilter(metrics);
        ServletContextHandler context = WebApp.create(new GitAuthFilter(auth), new FlowstageGitServlet(git),
                rest, metrics, api::urls, config.metricsToken(), requestMetrics);
        events.mount(context);
        // device polls (ls-refs) are answered in front of the servlet context; everything else goes through
        GitPollHandler polls = new GitPollHandler(auth, git, requestMetrics, metrics);
        polls.setHandler(context);
        return polls;
    }
}
