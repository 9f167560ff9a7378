package dev.flowstage.hooks.remote;

import java.time.Duration;
import java.util.Objects;
import org.eclipse.jgit.transport.URIish;

/**
 * One external repository as the server connects to it: URL, protocol, the credentials that protocol
 * takes (may be null: anonymous HTTPS), a CA to trust for it (HTTPS, may be null), and the timeout of
 * each network step.
 */
public record RemoteEndpoint(URIish url, RemoteProtocol protocol, HttpsCredentials https, SshCredentials ssh,
                             CaCertificate ca, Duration timeout) {
    public RemoteEndpoint {
        Objects.requireNonNull(url);
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(timeout);
        if (protocol == RemoteProtocol.SSH && ssh == null) {
            throw new IllegalArgumentException("an ssh endpoint needs a key and a known_hosts line");
        }
    }

    /** The URL without a password, for logs and status (an ssh user name stays: it is part of the address). */
    public String displayUrl() {
        return url.setPass(null).toString();
    }
}
