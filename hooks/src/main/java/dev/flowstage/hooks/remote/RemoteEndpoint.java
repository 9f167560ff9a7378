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

    /**
     * A digest of everything that decides what the remote answers this endpoint: URL, protocol, credentials
     * and CA (not the timeout). Endpoints with equal identities may share a ref advertisement and a mirror;
     * one with other credentials never gets another's answer.
     */
    public String identity() {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {url.toString(), protocol.name(),
                    https == null ? null : https.username(), https == null ? null : https.password(),
                    ssh == null ? null : ssh.privateKey(), ssh == null ? null : ssh.passphrase(),
                    ssh == null ? null : ssh.knownHostsLine(), ca == null ? null : ca.pem()}) {
                d.update(part == null ? new byte[] {0} : (part.length() + ":" + part).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL without a password, for logs and status (an ssh user name stays: it is part of the address). */
    public String displayUrl() {
        return url.setPass(null).toString();
    }
}
