package dev.flowstage.web.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a browser's {@code Origin} header names the server the request reached: same scheme (http
 * for a plain connection, https for TLS), host and port as the {@code Host} header, default ports
 * filled in. Anything unparsable, including the opaque origin {@code null}, is another origin.
 */
public final class SameOrigin {
    private SameOrigin() {}

    public static boolean matches(String origin, boolean secure, String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        URI o;
        URI h;
        try {
            o = new URI(origin.strip());
            h = new URI((secure ? "https" : "http") + "://" + hostHeader.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals(h.getScheme()) && o.getHost() != null && h.getHost() != null
                && o.getHost().equalsIgnoreCase(h.getHost()) && port(o) == port(h)
                && (o.getPath() == null || o.getPath().isEmpty() || o.getPath().equals("/"));
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
