package dev.flowstage.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The start-up lines: where the server listens (HTTP, HTTPS, SSH URLs, "off" for a closed listener),
 * the TLS certificate's SHA-256 fingerprint, the SSH host key fingerprint and, on the first start only,
 * the generated admin password. Ports are the ones actually bound; 0 means off.
 *
 * @param generatedAdminPassword present only when this start generated it (never when it came from
 *                               FLOWSTAGE_ADMIN_PASSWORD): it is printed this once
 * @param initialPasswordFile    present while {@link InitialAdminPassword}'s file exists: every start
 *                               names it, until admin's password is changed
 */
public record Banner(String publicHost, int httpPort, int httpsPort, int sshPort, String tlsFingerprint,
                     String sshFingerprint, Optional<String> generatedAdminPassword,
                     Optional<Path> initialPasswordFile, String signingKeyFingerprint) {
    public static final String ADMIN_USER = "admin";

    /** Without a signing key line. */
    public Banner(String publicHost, int httpPort, int httpsPort, int sshPort, String tlsFingerprint,
                  String sshFingerprint, Optional<String> generatedAdminPassword, Optional<Path> initialPasswordFile) {
        this(publicHost, httpPort, httpsPort, sshPort, tlsFingerprint, sshFingerprint, generatedAdminPassword,
                initialPasswordFile, null);
    }

    public Banner {
        Objects.requireNonNull(publicHost, "publicHost");
        Objects.requireNonNull(generatedAdminPassword, "generatedAdminPassword");
        Objects.requireNonNull(initialPasswordFile, "initialPasswordFile");
    }

    public List<String> lines() {
        String host = publicHost.contains(":") ? "[" + publicHost + "]" : publicHost;
        List<String> lines = new ArrayList<>();
        lines.add("Flowstage is running");
        lines.add("  HTTP   " + (httpPort > 0 ? "http://" + host + ":" + httpPort + "/" : "off"));
        lines.add("  HTTPS  " + (httpsPort > 0 ? "https://" + host + ":" + httpsPort + "/" : "off"));
        if (httpsPort > 0) {
            lines.add("         TLS certificate SHA-256 fingerprint " + tlsFingerprint);
        }
        lines.add("  SSH    " + (sshPort > 0 ? "ssh://git@" + host + ":" + sshPort + "/" : "off"));
        if (sshPort > 0) {
            lines.add("         SSH host key fingerprint " + sshFingerprint);
        }
        if (signingKeyFingerprint != null) {
            lines.add("  Deploys to devices are signed with OpenPGP key " + signingKeyFingerprint
                    + " (GET /api/v1/signing-key)");
        }
        List<String> git = new ArrayList<>();
        if (httpsPort > 0) {
            git.add("https://" + host + ":" + httpsPort + "/git/TEAM/TARGET.git");
        } else if (httpPort > 0) {
            git.add("http://" + host + ":" + httpPort + "/git/TEAM/TARGET.git");
        }
        if (sshPort > 0) {
            git.add("ssh://git@" + host + ":" + sshPort + "/TEAM/TARGET.git");
        }
        if (!git.isEmpty()) {
            lines.add("  Git    " + String.join("  or  ", git));
        }
        if (generatedAdminPassword.isPresent() || initialPasswordFile.isPresent()) {
            lines.add("");
        }
        generatedAdminPassword.ifPresent(p -> lines.add("  Created user '" + ADMIN_USER + "' with password: " + p));
        initialPasswordFile.ifPresent(f -> lines.add("  The initial password of user '" + ADMIN_USER + "' is in " + f
                + " until it is changed"));
        return lines;
    }

    /** The lines joined with newlines, ending in one. */
    public String text() {
        return String.join("\n", lines()) + "\n";
    }

    @Override
    public String toString() {
        return "Banner[" + publicHost + ", http=" + httpPort + ", https=" + httpsPort + ", ssh=" + sshPort
                + ", adminPassword=" + (generatedAdminPassword.isPresent() ? "(generated)" : "(none)") + "]";
    }
}
