package dev.flowstage.hooks.outbound;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One HTTP request for {@link OutboundHttp}: method, absolute http(s) URI, headers, body, and the time it may take. */
public record OutboundRequest(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
    public OutboundRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(timeout, "timeout");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static OutboundRequest get(URI uri, Duration timeout) {
        return new OutboundRequest("GET", uri, Map.of(), null, timeout);
    }

    public static OutboundRequest post(URI uri, byte[] body, Duration timeout) {
        return new OutboundRequest("POST", uri, Map.of(), Objects.requireNonNull(body), timeout);
    }

    /** A copy with the header set; a value with a line break is refused, since it would smuggle a header in. */
    public OutboundRequest header(String name, String value) {
        if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid header " + name);
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new OutboundRequest(method, uri, h, body, timeout);
    }
}
