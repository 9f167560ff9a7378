package dev.flowstage.server;

import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import java.util.Optional;

/**
 * Makes sure the server admin exists. On an empty data dir it creates user {@code admin} with the
 * configured password or a generated one; the generated one is returned so it can be printed once.
 */
final class FirstStart {
    static final String ADMIN = "admin";

    private FirstStart() {}

    static Optional<String> ensureAdmin(SiteStore site, PasswordHasher hasher, Optional<String> configured) {
        if (site.user(ADMIN).isPresent()) {
            return Optional.empty();
        }
        String password = configured.orElseGet(Tokens::randomPassword);
        site.createUser(ADMIN, hasher.hash(password), true);
        return configured.isPresent() ? Optional.empty() : Optional.of(password);
    }
}
