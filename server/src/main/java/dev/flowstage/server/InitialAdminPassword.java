package dev.flowstage.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DATA/initial-admin-password}: the generated password of the first-start {@code admin},
 * owner-only, kept until that password is changed (through the API or {@code admin reset-password}),
 * so that a password printed among other start-up output is never lost.
 */
public final class InitialAdminPassword {
    public static final String FILE = "initial-admin-password";
    private static final Logger LOG = LoggerFactory.getLogger(InitialAdminPassword.class);

    private final Path file;

    public InitialAdminPassword(Path dataDir) {
        this.file = dataDir.resolve(FILE).toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    /** Writes the password, readable by the owner only. */
    public void write(String password) throws IOException {
        OwnerOnlyFiles.write(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The password in the file, if the file exists. */
    public Optional<String> read() {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** The site store's password-change listener: the file goes once admin's password is no longer it. */
    public void passwordChanged(String user) {
        if (FirstStart.ADMIN.equals(user)) {
            delete();
        }
    }

    public void delete() {
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("user '{}' has a new password: {} deleted", FirstStart.ADMIN, file);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
