package dev.flowstage.web.session;

import java.time.Instant;

/**
 * One signed-in browser: whose it is, a one-way fingerprint of the password hash it was opened with
 * (a changed password ends it), the CSRF token every state-changing request must echo, and its times.
 */
public record WebSession(String user, String passwordFingerprint, String csrfToken, Instant created, Instant lastSeen) {
    WebSession seenAt(Instant now) {
        return new WebSession(user, passwordFingerprint, csrfToken, created, now);
    }

    /** Whether {@code passwordHash} is still the one this session was opened with. */
    public boolean openedWith(String passwordHash) {
        return passwordFingerprint.equals(WebSessions.fingerprint(passwordHash));
    }
}
