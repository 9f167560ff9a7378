package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.Principal;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH public-key authentication through the {@link Authenticator}; once the session has authenticated,
 * the key's principal is kept on it for the Git commands. The SSH user name ("git") plays no part.
 * A session that tried and closed without authenticating is a failed sign-in from its address in the
 * {@link LoginThrottle}; while the address is throttled, its next unknown key ends the session with a
 * message saying how long to wait. Known keys are never throttled.
 */
final class PrincipalAuthenticator implements PublickeyAuthenticator, SessionListener {
    static final AttributeKey<Principal> PRINCIPAL = new AttributeKey<>();
    // The principal of the key last accepted by authenticate(), which may not have been proven yet
    private static final AttributeKey<Principal> OFFERED = new AttributeKey<>();
    // TRIED: the session asked to authenticate; REFUSED: it was sent away by the throttle (which then
    // does not count it again, as a refused HTTP attempt is not counted either)
    private static final AttributeKey<Boolean> TRIED = new AttributeKey<>();
    private static final AttributeKey<Boolean> REFUSED = new AttributeKey<>();
    private static final Logger log = LoggerFactory.getLogger(PrincipalAuthenticator.class);

    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final AtomicLong closed = new AtomicLong();

    PrincipalAuthenticator(Authenticator authenticator, LoginThrottle throttle) {
        this.authenticator = authenticator;
        this.throttle = throttle;
    }

    /**
     * MINA asks twice per key: when the client merely offers it (no signature: anyone can offer a
     * public key) and again just before it checks the signature. So this only remembers the candidate.
     */
    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<Principal> principal;
        try {
            principal = authenticator.publicKey(key);
        } catch (RuntimeException e) {
            log.warn("SSH key lookup failed for {}", session.getClientAddress(), e);
            principal = Optional.empty();
        }
        session.setAttribute(TRIED, Boolean.TRUE);
        if (principal.isPresent()) {
            session.setAttribute(OFFERED, principal.get());
            return true;
        }
        session.removeAttribute(OFFERED);
        Optional<Duration> wait = throttle.waitFor(null, GitSshCommand.remoteAddress(session.getClientAddress()));
        if (wait.isPresent()) {
            session.setAttribute(REFUSED, Boolean.TRUE);
            try {
                session.disconnect(SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE,
                        "flowstage: " + new LoginResult.Throttled(wait.get()).message());
            } catch (IOException e) {
                log.debug("disconnecting throttled {} failed", session.getClientAddress(), e);
            }
        }
        return false;
    }

    /**
     * Authentication succeeds right after the signature of the key last passed to
     * {@link #authenticate} was verified (public key is the only method), so that key's principal is
     * the session's.
     */
    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            Principal proven = session.removeAttribute(OFFERED);
            if (proven != null) {
                session.setAttribute(PRINCIPAL, proven);
            }
        }
    }

    @Override
    public void sessionClosed(Session session) {
        if (!session.isAuthenticated() && Boolean.TRUE.equals(session.getAttribute(TRIED))
                && !Boolean.TRUE.equals(session.getAttribute(REFUSED))) {
            throttle.failed(null, GitSshCommand.remoteAddress(session.getIoSession().getRemoteAddress()));
        }
        closed.incrementAndGet();
    }

    /** Sessions whose close was handled (counted as a failure or not): what tests await. */
    long sessionsClosed() {
        return closed.get();
    }

    static Optional<Principal> principalOf(Session session) {
        return Optional.ofNullable(session.getAttribute(PRINCIPAL));
    }
}
