package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first-start admin and its initial password file. */
class FirstStartTest {
    private static final PasswordHasher HASHER = new PasswordHasher(1024, 1, 1);

    @TempDir
    Path data;

    @Test
    void aGeneratedPasswordIsKeptOwnerOnlyUntilAdminChangesIt() throws Exception {
        InitialAdminPassword initial = new InitialAdminPassword(data);
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC(), initial::passwordChanged)) {
            FirstStart.Result first = FirstStart.ensureAdmin(site, HASHER, Optional.empty(), initial);
            String password = first.generated().orElseThrow();
            assertEquals(Optional.of(password), initial.read());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(initial.file())));
            assertTrue(HASHER.verify(password, site.user("admin").orElseThrow().passwordHash()));

            FirstStart.Result later = FirstStart.ensureAdmin(site, HASHER, Optional.empty(), initial);
            assertEquals(new FirstStart.Result(Optional.empty(), false), later);
            assertTrue(initial.exists(), "kept while the password is unchanged");

            site.createUser("erin", HASHER.hash("erin-password"), false);
            setPassword(site, "erin", "another-password");
            assertTrue(initial.exists(), "another user's password is no concern of the file");

            setPassword(site, "admin", "chosen-by-admin");
            assertFalse(initial.exists());
        }
    }

    @Test
    void aConfiguredPasswordWritesNoFileAndIsIgnoredOnceAdminExists() throws Exception {
        InitialAdminPassword initial = new InitialAdminPassword(data);
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC(), initial::passwordChanged)) {
            assertEquals(new FirstStart.Result(Optional.empty(), false),
                    FirstStart.ensureAdmin(site, HASHER, Optional.of("first-choice"), initial));
            assertFalse(initial.exists());
            assertEquals(new FirstStart.Result(Optional.empty(), true),
                    FirstStart.ensureAdmin(site, HASHER, Optional.of("second-choice"), initial));
            assertTrue(HASHER.verify("first-choice", site.user("admin").orElseThrow().passwordHash()));
        }
    }

    @Test
    void aFileWhosePasswordNoLongerSignsInIsDeletedAtStart() throws Exception {
        InitialAdminPassword initial = new InitialAdminPassword(data);
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC())) {
            site.createUser("admin", HASHER.hash("current-password"), true);
            initial.write("stale-password");
            FirstStart.ensureAdmin(site, HASHER, Optional.empty(), initial);
            assertFalse(initial.exists());
        }
    }

    private static void setPassword(GitSiteStore site, String user, String password) {
        String hash = HASHER.hash(password);
        site.updateUser(user, u -> new User(u.name(), hash, u.admin(), u.createdAt(), u.keys(), u.tokens()));
    }
}
