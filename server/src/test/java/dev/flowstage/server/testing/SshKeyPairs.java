package dev.flowstage.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Generates SSH key pairs with the real {@code ssh-keygen}. */
public final class SshKeyPairs {
    private SshKeyPairs() {}

    /** Creates {@code dir/name} (private) and {@code dir/name.pub}; type is ed25519, ecdsa or rsa. */
    public static Path generate(Path dir, String name, String type) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path key = dir.resolve(name);
        List<String> cmd = type.equals("rsa")
                ? List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", name, "-f", key.toString())
                : List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString());
        ProcessResult r = Processes.run(dir, Map.of(), cmd);
        if (!r.ok()) {
            throw new AssertionError("ssh-keygen failed: " + r);
        }
        return key;
    }

    public static String publicKeyLine(Path key) {
        try {
            return Files.readString(Path.of(key + ".pub")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The GIT_SSH_COMMAND that uses exactly this key and no agent or user config. */
    public static String sshCommand(Path key, int port, Path knownHosts) {
        return "ssh -F /dev/null -i " + key + " -o IdentitiesOnly=yes -o IdentityAgent=none"
                + " -o BatchMode=yes -o StrictHostKeyChecking=accept-new"
                + " -o UserKnownHostsFile=" + knownHosts + " -o ConnectTimeout=20 -p " + port;
    }
}
