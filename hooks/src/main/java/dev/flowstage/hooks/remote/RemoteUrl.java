package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.meta.MetaInvalidException;
import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.jgit.transport.URIish;

/**
 * Checks an external repository's URL against its declared protocol: {@code https://HOST[:PORT]/PATH} for
 * https, {@code ssh://[USER@]HOST[:PORT]/PATH} or {@code USER@HOST:PATH} for ssh. No credentials in the URL.
 */
public final class RemoteUrl {
    private RemoteUrl() {}

    /** @throws MetaInvalidException "protocol mismatch" when the URL is of the other kind, or naming what is wrong */
    public static URIish parse(String url, RemoteProtocol protocol, AddressPolicy policy) {
        if (url == null || url.isBlank()) {
            throw new MetaInvalidException("'url' is required");
        }
        URIish uri;
        try {
            uri = new URIish(url.strip());
        } catch (URISyntaxException e) {
            throw new MetaInvalidException("'url' is not a valid Git URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = "https".equals(scheme);
        boolean ssh = "ssh".equals(scheme) || (scheme == null && uri.getHost() != null);
        if (!https && !ssh) {
            throw new MetaInvalidException("'url' must be an https:// or ssh:// URL (or USER@HOST:PATH)");
        }
        if (protocol == RemoteProtocol.HTTPS && !https || protocol == RemoteProtocol.SSH && !ssh) {
            throw new MetaInvalidException("protocol mismatch: 'protocol' is " + protocol.json() + " but 'url' is "
                    + (https ? "an https" : "an ssh") + " URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new MetaInvalidException("'url' must name a host");
        }
        if (uri.getPass() != null || (https && uri.getUser() != null)) {
            throw new MetaInvalidException("'url' must not carry credentials: give them as secret references in 'auth'");
        }
        policy.refusalOfLiteral(uri.getHost()).ifPresent(refusal -> {
            throw new MetaInvalidException("'url': " + refusal);
        });
        return uri;
    }
}
