package dev.flowstage.web.ops;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Refuses request paths with dot segments, empty segments or encoded slashes and dots as sent on the
 * wire, before the container normalizes them: no client of ours sends such a path, so one that
 * arrives is a mistake or a probe, and answering it 400 keeps path handling simple downstream.
 */
public final class RawPathFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String raw = ((HttpServletRequest) req).getRequestURI();
        if (raw != null && isOdd(raw)) {
            HttpServletResponse http = (HttpServletResponse) res;
            http.setStatus(400);
            http.setContentType("application/json");
            http.getWriter().write("{\"error\":{\"code\":\"bad_path\",\"message\":\"the request path is not allowed\"}}");
            return;
        }
        chain.doFilter(req, res);
    }

    static boolean isOdd(String rawPath) {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        return lower.contains("/../") || lower.endsWith("/..") || lower.contains("/./") || lower.endsWith("/.")
                || lower.contains("//") || lower.contains("%2f") || lower.contains("%2e") || lower.contains("%5c")
                || lower.contains("%00") || lower.contains("\\");
    }
}
