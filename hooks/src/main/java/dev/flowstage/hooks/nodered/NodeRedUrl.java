package dev.flowstage.hooks.nodered;

import dev.flowstage.hooks.outbound.AddressPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * What an instance's {@code nodeRed.url} may be, checked the same way (same messages) by the API and by
 * pushes to {@code _config.git}: an http(s) URL naming a host, without credentials (the URL is shown to
 * viewers; the Admin API token belongs in {@code nodeRed.token}, sealed), and not a literal address the
 * outbound policy refuses. A host name is judged when Node-RED is called, since what it resolves to changes.
 */
public final class NodeRedUrl {
    private NodeRedUrl() {
    }

    /** Why {@code url} cannot be an instance's {@code nodeRed.url}, or empty when it can. */
    public static Optional<String> problem(String url, AddressPolicy policy) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.of("nodeRed.url must be an http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("nodeRed.url must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            return Optional.of("nodeRed.url must not carry credentials (user:password@): it is shown to every"
                    + " viewer of the team; put the Admin API token in nodeRed.token, which is stored sealed");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("nodeRed.url must name a host");
        }
        return policy.refusalOfLiteral(uri.getHost()).map(refusal -> "nodeRed.url: " + refusal);
    }
}
