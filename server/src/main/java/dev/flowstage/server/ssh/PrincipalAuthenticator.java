package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Principal;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH public-key authentication through the {@link Authenticator}; the key's principal is kept on the
 * session for the Git commands. The SSH user name ("git") plays no part.
 */
final class PrincipalAuthenticator implements PublickeyAuthenticator {
    static final AttributeKey<Principal> PRINCIPAL = new AttributeKey<>();
    private static final Logger log = LoggerFactory.getLogger(PrincipalAuthenticator.class);

    private final Authenticator authenticator;

    PrincipalAuthenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<Principal> principal;
        try {
            principal = authenticator.publicKey(key);
        } catch (RuntimeException e) {
            log.warn("SSH key lookup failed for {}", session.getClientAddress(), e);
            principal = Optional.empty();
        }
        // MINA calls this for every key the client offers, the final call being the one that
        // succeeds, so the attribute always ends up holding the key that signed in.
        if (principal.isPresent()) {
            session.setAttribute(PRINCIPAL, principal.get());
        } else {
            session.removeAttribute(PRINCIPAL);
        }
        return principal.isPresent();
    }

    static Optional<Principal> principalOf(Session session) {
        return Optional.ofNullable(session.getAttribute(PRINCIPAL));
    }
}
