package dev.flowstage.server.ssh;

import dev.flowstage.server.OwnerOnlyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The server's SSH host key: ed25519, made with Bouncy Castle on first start and kept in
 * {@code DATA/ssh/ssh_host_ed25519_key} (OpenSSH format, owner-only, so {@code ssh-keygen -lf} reads
 * it too) with its {@code .pub} beside it; reused on every later start so clients' known_hosts stay valid.
 */
public final class HostKey {
    public static final String KEY_FILE = "ssh_host_ed25519_key";

    private final KeyPair keyPair;
    private final boolean generated;

    private HostKey(KeyPair keyPair, boolean generated) {
        this.keyPair = keyPair;
        this.generated = generated;
    }

    public static HostKey loadOrCreate(Path sshDir) {
        SshSecurity.requireEd25519();
        Path file = sshDir.resolve(KEY_FILE);
        if (Files.exists(file)) {
            return new HostKey(read(file), false);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", new BouncyCastleProvider());
            KeyPair keyPair = generator.generateKeyPair();
            ByteArrayOutputStream privateKey = new ByteArrayOutputStream();
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "flowstage host key", null, privateKey);
            OwnerOnlyFiles.write(file, privateKey.toByteArray());
            Files.writeString(sshDir.resolve(KEY_FILE + ".pub"),
                    PublicKeyEntry.toString(keyPair.getPublic()) + " flowstage host key\n", StandardCharsets.US_ASCII);
            return new HostKey(keyPair, true);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the SSH host key in " + sshDir + ": " + e.getMessage(), e);
        }
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** Whether this start created the key (first start on this data directory). */
    public boolean generated() {
        return generated;
    }

    /** {@code SHA256:} and the unpadded base64 digest of the public key blob, as {@code ssh-keygen -l} prints. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(KeyUtils.getDefaultFingerPrintFactory(), keyPair.getPublic());
    }

    /** The OpenSSH public key line ({@code ssh-ed25519 AAAA...}), e.g. for a known_hosts entry. */
    public String publicKeyLine() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    private static KeyPair read(Path file) {
        Iterable<KeyPair> keys;
        try (InputStream in = Files.newInputStream(file)) {
            keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalStateException("SSH host key " + file + " cannot be read (" + e.getMessage()
                    + "); restore it, or delete it to generate a new one (clients will then see a changed host key)", e);
        }
        Iterator<KeyPair> it = keys == null ? null : keys.iterator();
        if (it == null || !it.hasNext()) {
            throw new IllegalStateException("SSH host key " + file + " holds no key; restore it, or delete it to "
                    + "generate a new one (clients will then see a changed host key)");
        }
        return it.next();
    }
}
