package dev.flowstage.web.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * {@code GET /metrics}: the registry's meters in the Prometheus text format 0.0.4. Without a token
 * configured only loopback clients may scrape (a scraper on the same machine); with one, every
 * client must send it as {@code Authorization: Bearer TOKEN} (Prometheus' {@code bearer_token}),
 * loopback included, since a reverse proxy on the same machine makes remote callers look local.
 */
public final class MetricsServlet extends HttpServlet {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient PrometheusMeterRegistry registry;
    private final transient byte[] tokenDigest;

    /** Loopback scrapes only. */
    public MetricsServlet(PrometheusMeterRegistry registry) {
        this(registry, Optional.empty());
    }

    public MetricsServlet(PrometheusMeterRegistry registry, Optional<String> token) {
        this.registry = registry;
        this.tokenDigest = token.filter(t -> !t.isEmpty()).map(MetricsServlet::digest).orElse(null);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (tokenDigest == null && !loopback(req.getRemoteAddr())) {
            // the token is never a flag (a command line is visible to every local user): name where it goes
            refuse(resp, 403, "metrics are served to loopback clients only; set FLOWSTAGE_METRICS_TOKEN"
                    + " (or metrics-token= in DATA/flowstage.properties) to scrape from elsewhere");
            return;
        }
        if (tokenDigest != null && !tokenMatches(req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            refuse(resp, 401, "send the metrics token as Authorization: Bearer TOKEN");
            return;
        }
        byte[] body = registry.scrape(CONTENT_TYPE).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType(CONTENT_TYPE);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private boolean tokenMatches(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // equal-length digests compared in constant time: the answer's timing says nothing of the token
        return MessageDigest.isEqual(tokenDigest, digest(header.substring(7).strip()));
    }

    private static boolean loopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        // the servlet container gives the peer's IP literal; a literal is parsed, never looked up
        if (!literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void refuse(HttpServletResponse resp, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
