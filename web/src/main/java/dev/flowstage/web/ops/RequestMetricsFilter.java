package dev.flowstage.web.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Times every HTTP request as {@code http.server.requests}, tagged by area (git, api, ops, other),
 * method and status. Tags are coarse on purpose: paths carry team and target names, and
 * webhook URLs carry secrets, so neither becomes a tag.
 */
public final class RequestMetricsFilter implements Filter {
    private final MeterRegistry registry;

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
            HttpServletRequest http = (HttpServletRequest) req;
            Timer.builder("http.server.requests")
                    .tag("area", area(http.getRequestURI()))
                    .tag("method", http.getMethod())
                    .tag("status", Integer.toString(((HttpServletResponse) res).getStatus()))
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
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
