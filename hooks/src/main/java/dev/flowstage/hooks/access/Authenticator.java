package dev.flowstage.hooks.access;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Turns credentials into a principal. Results for tokens and keys are cached briefly (keyed by a
 * hash, never the secret) so a polling device never pays the password-hash cost; revoking a token or
 * removing a key takes effect at once. Secrets never reach a log line.
 */
public interface Authenticator {
    /** HTTP Basic: a user's password or personal access token, or a device's name and device token. */
    Optional<Principal> basic(String username, String secret);

    /** {@code Authorization: Bearer}: a personal access token or a device token. */
    Optional<Principal> bearer(String token);

    /** The principal for parsed HTTP credentials; empty for none, malformed or wrong ones. */
    default Optional<Principal> authenticate(Credentials credentials) {
        if (credentials instanceof Credentials.Basic b) {
            return basic(b.user(), b.secret());
        }
        if (credentials instanceof Credentials.Bearer b) {
            return bearer(b.token());
        }
        return Optional.empty();
    }

    /**
     * Signs in with parsed HTTP credentials sent from {@code remoteAddress}; what Git over HTTP, the API
     * and the event WebSocket call. This default does not throttle ({@link ThrottledAuthenticator} does).
     */
    default LoginResult login(Credentials credentials, String remoteAddress) {
        return authenticate(credentials).<LoginResult>map(LoginResult.Success::new).orElse(LoginResult.FAILURE);
    }

    /** SSH public-key authentication; the SSH user name ("git") is not used. */
    Optional<Principal> publicKey(PublicKey key);

    /** Drops cached results (after a token, key or password changes). */
    void invalidateAll();
}
