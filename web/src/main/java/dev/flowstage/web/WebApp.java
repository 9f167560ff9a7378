package dev.flowstage.web;

import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.api.docs.SwaggerUiServlet;
import dev.flowstage.web.ops.HealthServlet;
import dev.flowstage.web.ops.MetricsServlet;
import dev.flowstage.web.ops.RawPathFilter;
import dev.flowstage.web.ops.RequestMetricsFilter;
import dev.flowstage.web.pages.NotFoundServlet;
import dev.flowstage.web.pages.WelcomeServlet;
import dev.flowstage.web.ui.UiAssets;
import dev.flowstage.web.ui.UiServlet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Assembles the one servlet context the server serves: Git smart HTTP, the REST API and its docs,
 * operations, the web UI and the welcome page; any other path is a plain 404.
 */
public final class WebApp {
    private WebApp() {}

    /** With {@code /metrics} for loopback clients only. */
    public static ServletContextHandler create(Filter gitAuth, HttpServlet git, ResourceConfig api,
                                               PrometheusMeterRegistry metrics, Supplier<PublicUrls> urls) {
        return create(gitAuth, git, api, metrics, urls, Optional.empty());
    }

    /** {@code metricsToken}: the bearer token {@code /metrics} requires (see {@link MetricsServlet}). */
    public static ServletContextHandler create(Filter gitAuth, HttpServlet git, ResourceConfig api,
                                               PrometheusMeterRegistry metrics, Supplier<PublicUrls> urls,
                                               Optional<String> metricsToken) {
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/");
        FilterHolder requestMetrics = new FilterHolder(new RequestMetricsFilter(metrics));
        requestMetrics.setAsyncSupported(true);
        ctx.addFilter(requestMetrics, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder rawPath = new FilterHolder(new RawPathFilter());
        rawPath.setAsyncSupported(true);
        ctx.addFilter(rawPath, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(gitAuth), "/git/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder gitHolder = new ServletHolder("git", git);
        gitHolder.setAsyncSupported(false);
        ctx.addServlet(gitHolder, "/git/*");
        ServletHolder apiHolder = new ServletHolder("api", new ServletContainer(api));
        // the device watch is a long poll answered later, without holding a thread while it waits
        apiHolder.setAsyncSupported(true);
        ctx.addServlet(apiHolder, "/api/v1/*");
        ctx.addServlet(new ServletHolder("health", new HealthServlet()), "/healthz");
        ctx.addServlet(new ServletHolder("metrics", new MetricsServlet(metrics, metricsToken)), "/metrics");
        ctx.addServlet(new ServletHolder("api-docs", new SwaggerUiServlet()), SwaggerUiServlet.PATH + "/*");
        ctx.addServlet(new ServletHolder("welcome", new WelcomeServlet(urls)), WelcomeServlet.PATH);
        // the web UI: its page at exactly "/" ("" is the context root alone), its files under /ui/
        ServletHolder ui = new ServletHolder("ui", new UiServlet(UiAssets.load()));
        ctx.addServlet(ui, "");
        ctx.addServlet(ui, UiServlet.ASSETS + "/*");
        // "/" is the servlet for whatever nothing else serves: it replaces Jetty's stock 404 page
        ctx.addServlet(new ServletHolder("not-found", new NotFoundServlet()), "/");
        return ctx;
    }
}
