package dev.flowstage.web.ui;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves the web UI: {@code /} is the one page (never cached, so a new release is picked up at the
 * next load) and {@code /ui/VERSION/PATH} its scripts and styles, cached for a year as immutable
 * because VERSION is a hash of their contents. Another version answers 404: mixing two releases'
 * modules in one page would break in ways nobody could reason about. The page's Content Security
 * Policy allows scripts, styles and connections to this server only.
 */
public final class UiServlet extends HttpServlet {
    /** Mapped at the context root (exact) and at {@code /ui/*}. */
    public static final String ASSETS = "/ui";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private final UiAssets assets;

    public UiServlet(UiAssets assets) {
        this.assets = Objects.requireNonNull(assets);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        common(resp);
        String servletPath = req.getServletPath();
        if (!servletPath.startsWith(ASSETS)) {
            byte[] page = assets.index();
            resp.setStatus(200);
            resp.setContentType("text/html; charset=UTF-8");
            resp.setHeader("Cache-Control", "no-cache");
            resp.setHeader("Content-Security-Policy", CSP);
            resp.setContentLength(page.length);
            if (!"HEAD".equals(req.getMethod())) {
                resp.getOutputStream().write(page);
            }
            return;
        }
        String rest = req.getPathInfo() == null ? "" : req.getPathInfo(); // "/VERSION/path"
        String prefix = "/" + assets.version() + "/";
        Optional<UiAssets.Asset> asset = rest.startsWith(prefix)
                ? assets.asset(rest.substring(prefix.length())) : Optional.empty();
        if (asset.isEmpty()) {
            resp.setHeader("Cache-Control", "no-store");
            resp.sendError(404);
            return;
        }
        resp.setStatus(200);
        resp.setContentType(asset.get().contentType());
        resp.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        resp.setContentLength(asset.get().bytes().length);
        if (!"HEAD".equals(req.getMethod())) {
            resp.getOutputStream().write(asset.get().bytes());
        }
    }

    private static void common(HttpServletResponse resp) {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "same-origin");
    }
}
