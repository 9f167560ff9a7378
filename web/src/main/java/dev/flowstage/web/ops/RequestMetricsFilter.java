package dev.flowstage.web.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.Filter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP request as {@code http.server.requests}, tagged by area (git, api, ops, other),
 * method and status. Tags are coarse on purpose: paths carry team and target names, and
 * webhook URLs carry secrets, so neither becomes a tag.
 */
public final class RequestMetricsFilter implements Filter {
    /** Methods that become a tag as they are; any other becomes OTHER, so clients cannot mint new series. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private final MeterRegistry registry;
    /** One timer per area, method and status, looked up without building a meter id per request. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RequestMetricsFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(req, res);
        } finally {
            if (req.isAsyncStarted()) {
                // a long poll (the device watch): measured when it is answered, with its real status
                req.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(req, res, start);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) { }

                    @Override
                    public void onError(AsyncEvent event) { }

                    @Override
                    public void onStartAsync(AsyncEvent event) { }
                });
            } else {
                record(req, res, start);
            }
        }
    }

    private void record(ServletRequest req, ServletResponse res, long start) {
        HttpServletRequest http = (HttpServletRequest) req;
        record(area(http.getRequestURI()), http.getMethod(), ((HttpServletResponse) res).getStatus(),
                System.nanoTime() - start);
    }

    /**
     * Times one request answered outside the servlet context (the Git poll handler) in the same timer a
     * request through this filter would be: {@code area} as {@link #area} gives it.
     */
    public void record(String area, String requestMethod, int status, long nanos) {
        String method = METHODS.contains(requestMethod) ? requestMethod : "OTHER";
        Timer timer = timers.get(area + ' ' + method + ' ' + status);
        if (timer == null) {
            timer = timers.computeIfAbsent(area + ' ' + method + ' ' + status, k -> Timer.builder("http.server.requests")
                    .tag("area", area)
                    .tag("method", method)
                    .tag("status", Integer.toString(status))
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    static String area(String uri) {
        if (uri == null) {
            return "other";
        }
        if (uri.startsWith("/git/")) {
            return "git";
        }
        if (uri.startsWith("/api/")) {
            return "api";
        }
        if (uri.equals("/healthz") || uri.equals("/metrics")) {
            return "ops";
        }
        return "other";
    }
}
