package dev.flowstage.server;

import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import java.io.IOException;
import java.util.Optional;

/**
 * Makes sure the server admin exists, once the server is listening. Without user {@code admin} it
 * creates it with the configured password or a generated one, which is written to
 * {@link InitialAdminPassword} first (so a crash in between never leaves an admin whose password
 * nobody saw) and returned so it can be printed.
 */
final class FirstStart {
    static final String ADMIN = "admin";

    /**
     * @param generated      the password this start generated for a new admin
     * @param ignoredConfigured FLOWSTAGE_ADMIN_PASSWORD was set, but admin already existed
     */
    record Result(Optional<String> generated, boolean ignoredConfigured) {}

    private FirstStart() {}

    static Result ensureAdmin(SiteStore site, PasswordHasher hasher, Optional<String> configured,
                              InitialAdminPassword initial) throws IOException {
        Optional<User> admin = site.user(ADMIN);
        if (admin.isPresent()) {
            // A file whose password no longer signs in (changed by a version that did not delete it) goes
            initial.read().filter(p -> !hasher.verify(p, admin.get().passwordHash())).ifPresent(p -> initial.delete());
            return new Result(Optional.empty(), configured.isPresent());
        }
        if (configured.isPresent()) {
            initial.delete();
            site.createUser(ADMIN, hasher.hash(configured.get()), true);
            return new Result(Optional.empty(), false);
        }
        String password = Tokens.randomPassword();
        initial.write(password);
        site.createUser(ADMIN, hasher.hash(password), true);
        return new Result(Optional.of(password), false);
    }
}
