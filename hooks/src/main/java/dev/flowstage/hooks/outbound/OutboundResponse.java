package dev.flowstage.hooks.outbound;

import java.util.Map;
import java.util.Optional;

/**
 * An answer read by {@link OutboundHttp}. The body is the remote's text: use it as data, never put it into
 * a message a user or a log will see; {@link #describe()} is what messages should say instead.
 */
public record OutboundResponse(int status, Map<String, String> headers, byte[] body) {
    public OutboundResponse {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, by its name in any case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The status and its standard reason, {@code 500 Internal Server Error}; never the remote's own words. */
    public String describe() {
        return HttpStatusText.describe(status);
    }
}
