package dev.flowstage.hooks.audit;

import dev.flowstage.hooks.access.LoginThrottle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records each failed sign-in the {@link LoginThrottle} counts as {@code login.failed} in the site's
 * audit log: the user name tried (none for a wrong token or an SSH client that gave up) and the
 * address. The secret tried is never seen here. Sign-ins refused while throttled are not counted,
 * so a guesser cannot flood the log.
 */
public final class FailedLogins implements LoginThrottle.FailureListener {
    private final AuditLog audit;

    public FailedLogins(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void failed(String user, String address) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("user", user);
        details.put("address", address);
        audit.record(null, "anonymous", "login.failed", user != null ? "user/" + user : "address/" + address, details);
    }
}
