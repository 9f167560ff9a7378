package dev.flowstage.storage.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SecretBox} with AES-256-GCM under a 256-bit master key kept in a file only the owner can read. */
public final class AesGcmSecretBox implements SecretBox {
    private static final String PREFIX = "v1:";
    private static final Logger LOG = LoggerFactory.getLogger(AesGcmSecretBox.class);
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private AesGcmSecretBox(byte[] keyBytes) {
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    /** Reads the master key from {@code keyFile}, or creates it (mode 0600) when it does not exist. */
    public static AesGcmSecretBox loadOrCreate(Path keyFile) throws IOException {
        if (!Files.exists(keyFile)) {
            create(keyFile);
        }
        ownerOnly(keyFile);
        byte[] raw = Files.readAllBytes(keyFile);
        byte[] keyBytes;
        try {
            keyBytes = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("master key file " + keyFile + " is not base64");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        if (keyBytes.length != KEY_BYTES) {
            throw new IOException("master key file " + keyFile + " must hold a 256-bit key");
        }
        return new AesGcmSecretBox(keyBytes);
    }

    /**
     * The key opens every sealed secret: a key file that its group or others may read (copied with
     * loose permissions, say) is made owner-only again, with a warning.
     */
    private static void ownerOnly(Path keyFile) throws IOException {
        if (!Files.getFileStore(keyFile.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
        Set<PosixFilePermission> loose = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        loose.retainAll(perms);
        if (!loose.isEmpty()) {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            LOG.warn("master key file {} could be accessed by its group or others ({}); it is owner-only now",
                    keyFile, PosixFilePermissions.toString(perms));
        }
    }

    private static void create(Path keyFile) throws IOException {
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] keyBytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(keyBytes);
        byte[] text = Base64.getEncoder().encode(keyBytes);
        // Write to a private temp file, then move it in: the key is never readable by others, and a
        // concurrent creator cannot leave a half-written key behind.
        Path tmp = dir.resolve(keyFile.getFileName() + ".tmp" + System.nanoTime());
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        if (posix) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.createFile(tmp);
        }
        try {
            Files.write(tmp, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // another process won the race; its key is the one to use
            }
        } finally {
            Files.deleteIfExists(tmp);
            Arrays.fill(keyBytes, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
    }

    @Override
    public String seal(String plaintext) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + ct.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(ct, 0, out, IV_BYTES, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    @Override
    public String open(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed value (expected the 'v1:' prefix)");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed value is not valid base64");
        }
        if (in.length < IV_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("sealed value is too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            byte[] pt = c.doFinal(in, IV_BYTES, in.length - IV_BYTES);
            return new String(pt, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("sealed value was altered or sealed with another key");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("sealed value cannot be opened");
        }
    }
}
