package dev.flowstage.hooks.remote;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * JGit SSH sessions for one outbound operation: the key from the credentials (decrypted with the passphrase),
 * nothing read from the server's own {@code ~/.ssh} (no config, no identities, no known_hosts, no agent),
 * and the host key accepted only when it is the key of the pinned known-hosts line.
 */
final class SshSessions {
    private static final Path NOWHERE = Path.of(System.getProperty("java.io.tmpdir"), "flowstage-no-ssh-home");

    private SshSessions() {}

    /** @throws RemoteFailure when the key cannot be read (wrong passphrase) or the known-hosts line is unusable */
    static SshdSessionFactory factory(SshCredentials c) throws RemoteFailure {
        List<KeyPair> keys = keys(c);
        PublicKey pinned = pinned(c.knownHostsLine());
        try {
            Files.createDirectories(NOWHERE);
        } catch (IOException e) {
            throw new RemoteFailure(RemoteFailure.Reason.FAILED, "cannot prepare SSH: " + e.getMessage());
        }
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(NOWHERE.toFile())
                .setSshDirectory(NOWHERE.toFile())
                .setConfigStoreFactory((home, file, user) -> null)
                .setDefaultIdentities(dir -> List.of())
                .setDefaultKnownHostsFiles(dir -> List.of())
                .setDefaultKeysProvider(dir -> keys)
                .setPreferredAuthentications("publickey")
                .setServerKeyDatabase((home, ssh) -> new PinnedKey(pinned))
                .build(null);
    }

    private static List<KeyPair> keys(SshCredentials c) throws RemoteFailure {
        try {
            List<KeyPair> all = new ArrayList<>();
            FilePasswordProvider passwords = c.passphrase() == null ? FilePasswordProvider.EMPTY
                    : FilePasswordProvider.of(c.passphrase());
            Iterable<KeyPair> read = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("ssh key"),
                    new ByteArrayInputStream(c.privateKey().getBytes(StandardCharsets.UTF_8)), passwords);
            if (read != null) {
                read.forEach(all::add);
            }
            if (all.isEmpty()) {
                throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, "the SSH key secret holds no private key");
            }
            return all;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new RemoteFailure(RemoteFailure.Reason.AUTHENTICATION_FAILED, "the SSH key cannot be read"
                    + (c.passphrase() == null ? " (it may need a passphrase)" : " with the given passphrase"));
        }
    }

    /** The key of a known_hosts line {@code [HOSTS] TYPE BASE64 [COMMENT]}. */
    static PublicKey pinned(String line) throws RemoteFailure {
        if (line != null) {
            String[] parts = line.strip().split("\\s+");
            for (int i = 0; i + 1 < parts.length; i++) {
                if (parts[i].startsWith("ssh-") || parts[i].startsWith("ecdsa-")
                        || parts[i].startsWith("sk-")) {
                    try {
                        PublicKey k = PublicKeyEntry.parsePublicKeyEntry(parts[i] + " " + parts[i + 1])
                                .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
                        if (k != null) {
                            return k;
                        }
                    } catch (IOException | GeneralSecurityException | RuntimeException e) {
                        break;
                    }
                }
            }
        }
        throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, "'knownHosts' must be a known_hosts line"
                + " (HOST TYPE BASE64, as ssh-keyscan prints it)");
    }

    /** Accepts exactly one host key, whatever host name or address it is presented under. */
    private record PinnedKey(PublicKey pinned) implements ServerKeyDatabase {
        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return List.of(pinned);
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                              Configuration config, CredentialsProvider provider) {
            return KeyUtils.compareKeys(pinned, serverKey);
        }
    }

    static File home() {
        return NOWHERE.toFile();
    }
}
