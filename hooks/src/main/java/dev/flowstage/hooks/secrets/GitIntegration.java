package dev.flowstage.hooks.secrets;

import dev.flowstage.hooks.remote.CaCertificate;
import java.time.Instant;

/**
 * A team's credentials for one Git server: the provider decides how the token is sent over HTTPS (see
 * {@code dev.flowstage.hooks.remote.HttpsCredentials}); the token stays sealed; {@code ca} (may be null)
 * is trusted for this integration's connections only.
 */
public record GitIntegration(String name, Provider provider, String username, String sealedToken, CaCertificate ca,
                             Instant createdAt) {
    /** How a Git server expects a token over HTTPS. */
    public enum Provider {
        GITHUB, AZURE, OTHER;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** @return null when {@code value} names no provider */
        public static Provider parse(String value) {
            for (Provider p : values()) {
                if (p.json().equals(value)) {
                    return p;
                }
            }
            return null;
        }
    }
}
