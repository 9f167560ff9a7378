package dev.flowstage.web.pages;

import dev.flowstage.web.api.PublicUrls;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /welcome}, where {@code /} leads until there is a web UI: what this server serves, with
 * links to the API docs, the API description and the health check, and the clone-URL patterns.
 */
public final class WelcomeServlet extends HttpServlet {
    public static final String PATH = "/welcome";
    private final Supplier<PublicUrls> urls;

    public WelcomeServlet(Supplier<PublicUrls> urls) {
        this.urls = Objects.requireNonNull(urls);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PublicUrls u = urls.get();
        resp.setStatus(200);
        resp.setContentType("text/html; charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getWriter().write("""
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="UTF-8"><title>Flowstage</title></head>
                <body>
                <h1>Flowstage</h1>
                <p>A Git-native backend for Node-RED: every instance, device and device group is a Git repository.</p>
                <ul>
                <li><a href="/api/docs">REST API documentation</a> (Swagger UI)</li>
                <li><a href="/api/v1/openapi.json">OpenAPI description</a> of the REST API</li>
                <li><a href="/healthz">Health check</a></li>
                </ul>
                <h2>Clone a target</h2>
                <pre>git clone %s
                git clone %s</pre>
                </body>
                </html>
                """.formatted(html(u.gitUrl("TEAM", "TARGET")), html(u.sshUrl("TEAM", "TARGET"))));
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
