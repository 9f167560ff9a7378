package dev.flowstage.web.api;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import jakarta.ws.rs.core.SecurityContext;

/** Carries the authenticated {@link Principal} from {@link AuthFilter} to the resources. */
public final class ApiSecurityContext implements SecurityContext {
    /**
     * Request property set when a browser session signed the request in: a {@code BooleanSupplier}
     * telling whether that session is still live (for streams that outlast the request).
     */
    public static final String SESSION_LIVE = "dev.flowstage.session.live";

    /** Adapts our principal to the JAX-RS type without losing it. */
    record Holder(Principal principal) implements java.security.Principal {
        @Override
        public String getName() {
            return principal.displayName();
        }
    }

    private final Holder holder;
    private final boolean secure;
    private final String scheme;

    ApiSecurityContext(Principal principal, boolean secure, String scheme) {
        this.holder = new Holder(principal);
        this.secure = secure;
        this.scheme = scheme;
    }

    @Override
    public java.security.Principal getUserPrincipal() {
        return holder;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return scheme;
    }

    /** The request's principal; the auth filter guarantees there is one. */
    public static Principal principal(SecurityContext context) {
        if (context != null && context.getUserPrincipal() instanceof Holder h) {
            return h.principal();
        }
        throw new ApiException(401, "unauthorized", "authentication required");
    }

    /** The request's user; devices are refused with 403 since these endpoints are for people. */
    public static UserPrincipal user(SecurityContext context) {
        if (principal(context) instanceof UserPrincipal u) {
            return u;
        }
        throw ApiException.forbidden("devices cannot use this endpoint");
    }
}
