package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.meta.MetaInvalidException;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.transport.URIish;

/**
 * Checks an external repository's URL against its declared protocol: {@code https://HOST[:PORT]/PATH} for
 * https; {@code ssh://[USER@]HOST[:PORT]/PATH} or the scp-like {@code [USER@]HOST:PATH} (port 22, a path
 * relative to the login's home unless it starts with /) for ssh. No credentials in the URL.
 */
public final class RemoteUrl {
    /** scp-like: an optional user, a host without ':', '/', '@' or brackets, a ':' that is not "://", a path. */
    private static final Pattern SCP_LIKE = Pattern.compile("(?:([^@/:\\[\\]]+)@)?([^@/:\\[\\]]+):(?!//)(.*)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final String FORMS = "an https:// URL, an ssh:// URL or USER@HOST:PATH";

    private RemoteUrl() {}

    /**
     * Syntax and protocol only (no address policy): what a configuration is validated with when it is saved.
     * @param protocol the declared protocol, or null to take the URL's
     * @throws MetaInvalidException "protocol mismatch" when the URL is of the other kind, or naming what is wrong
     */
    public static URIish check(String url, RemoteProtocol protocol) {
        if (url == null || url.isBlank()) {
            throw new MetaInvalidException("'url' is required");
        }
        String u = url.strip();
        if (u.chars().anyMatch(Character::isWhitespace)) {
            throw new MetaInvalidException("'url' must not contain spaces");
        }
        URIish uri;
        RemoteProtocol kind;
        int sep = u.indexOf("://");
        if (sep >= 0) {
            String scheme = u.substring(0, sep).toLowerCase(Locale.ROOT);
            kind = scheme.equals("https") ? RemoteProtocol.HTTPS : scheme.equals("ssh") ? RemoteProtocol.SSH : null;
            if (kind == null) {
                throw new MetaInvalidException("'url' must be " + FORMS + "; " + scheme + ":// is not offered");
            }
            uri = uri(u);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new MetaInvalidException("'url' must name a host");
            }
        } else {
            Matcher m = SCP_LIKE.matcher(u);
            if (!m.matches()) {
                throw new MetaInvalidException("'url' is not a Git URL: it must be " + FORMS
                        + " (for example git@github.com:acme/flows.git)");
            }
            if (!HOST.matcher(m.group(2)).matches()) {
                throw new MetaInvalidException("'url': '" + m.group(2) + "' is not a host name or address");
            }
            kind = RemoteProtocol.SSH;
            uri = uri(u);
            if (!m.group(2).equals(uri.getHost())) {
                throw new MetaInvalidException("'url' is not a Git URL: it must be " + FORMS);
            }
        }
        if (protocol != null && protocol != kind) {
            throw new MetaInvalidException("protocol mismatch: 'protocol' is " + protocol.json() + " but 'url' is "
                    + (kind == RemoteProtocol.HTTPS ? "an https" : "an ssh") + " URL");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.isEmpty() || path.equals("/")) {
            throw new MetaInvalidException("'url' must name a repository: a path after the host");
        }
        if (uri.getPass() != null || (kind == RemoteProtocol.HTTPS && uri.getUser() != null)) {
            throw new MetaInvalidException("'url' must not carry credentials: give them as secret references");
        }
        return uri;
    }

    /** The protocol a URL speaks: https for https://, ssh for ssh:// and USER@HOST:PATH. */
    public static RemoteProtocol protocolOf(String url) {
        String scheme = check(url, null).getScheme();
        return scheme != null && scheme.equalsIgnoreCase("https") ? RemoteProtocol.HTTPS : RemoteProtocol.SSH;
    }

    /** {@link #check}, and the host when it is an address literal must be one the outbound policy allows. */
    public static URIish parse(String url, RemoteProtocol protocol, AddressPolicy policy) {
        URIish uri = check(url, protocol);
        policy.refusalOfLiteral(uri.getHost()).ifPresent(refusal -> {
            throw new MetaInvalidException("'url': " + refusal);
        });
        return uri;
    }

    private static URIish uri(String u) {
        try {
            return new URIish(u);
        } catch (URISyntaxException e) {
            throw new MetaInvalidException("'url' is not a valid Git URL");
        }
    }
}
