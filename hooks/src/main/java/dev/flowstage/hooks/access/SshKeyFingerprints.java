package dev.flowstage.hooks.access;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Computes the OpenSSH wire blob and {@code SHA256:} fingerprint of a Java {@link PublicKey}. */
public final class SshKeyFingerprints {
    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (OID 1.3.101.112); the raw 32-byte key follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private SshKeyFingerprints() {}

    /** "SHA256:" + unpadded base64 of sha256(blob), as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(PublicKey key) {
        return fingerprint(openSshBlob(key));
    }

    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** @throws IllegalArgumentException for key types SSH access does not support */
    public static byte[] openSshBlob(PublicKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (key instanceof RSAPublicKey rsa) {
            writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
            writeString(out, rsa.getPublicExponent().toByteArray());
            writeString(out, rsa.getModulus().toByteArray());
        } else if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            String curve = switch (bits) {
                case 256 -> "nistp256";
                case 384 -> "nistp384";
                case 521 -> "nistp521";
                default -> throw new IllegalArgumentException("unsupported EC curve size " + bits);
            };
            int len = (bits + 7) / 8;
            byte[] point = new byte[1 + 2 * len];
            point[0] = 0x04;
            copyUnsigned(ec.getW().getAffineX(), point, 1, len);
            copyUnsigned(ec.getW().getAffineY(), point, 1 + len, len);
            writeString(out, ("ecdsa-sha2-" + curve).getBytes(StandardCharsets.US_ASCII));
            writeString(out, curve.getBytes(StandardCharsets.US_ASCII));
            writeString(out, point);
        } else if (isEd25519(key)) {
            byte[] spki = key.getEncoded();
            writeString(out, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
            writeString(out, Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length));
        } else {
            throw new IllegalArgumentException("unsupported SSH key algorithm " + key.getAlgorithm());
        }
        return out.toByteArray();
    }

    // Providers differ in naming (JDK "EdDSA"/"Ed25519", Bouncy Castle "Ed25519"), the encoding does not
    private static boolean isEd25519(PublicKey key) {
        byte[] spki = key.getEncoded();
        return spki != null && spki.length == ED25519_SPKI_PREFIX.length + 32
                && Arrays.equals(spki, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length);
    }

    private static void copyUnsigned(BigInteger value, byte[] dest, int offset, int len) {
        byte[] raw = value.toByteArray();
        int skip = raw.length > len ? raw.length - len : 0;
        int count = raw.length - skip;
        System.arraycopy(raw, skip, dest, offset + len - count, count);
    }

    private static void writeString(ByteArrayOutputStream out, byte[] value) {
        int n = value.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.write(value, 0, n);
    }
}
