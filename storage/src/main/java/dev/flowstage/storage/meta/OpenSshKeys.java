package dev.flowstage.storage.meta;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SSHNamedCurves;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * OpenSSH public keys: parses and checks key lines, and gives the wire-format blob and the
 * fingerprint ({@code ssh-keygen -lf}) of a key line or of a JDK key. The wire format is Bouncy
 * Castle's {@link OpenSSHPublicKeyUtil}; this class adds what users are told and what SSH access accepts.
 */
public final class OpenSshKeys {
    /** A checked key: its type, its wire-format blob, {@code SHA256:...} fingerprint and the comment ("" when none). */
    public record ParsedKey(String type, byte[] blob, String fingerprint, String comment) {
        /** The line in canonical form: type, base64 blob and the comment if any. */
        public String line() {
            String base = type + " " + Base64.getEncoder().encodeToString(blob);
            return comment.isEmpty() ? base : base + " " + comment;
        }
    }

    public static final int MIN_RSA_BITS = 2048;
    private static final int MAX_LINE = 16 * 1024;
    private static final Map<String, String> EC_CURVES = Map.of(
            "ecdsa-sha2-nistp256", "secp256r1",
            "ecdsa-sha2-nistp384", "secp384r1",
            "ecdsa-sha2-nistp521", "secp521r1");

    private OpenSshKeys() {}

    /**
     * Parses one OpenSSH public key line ({@code TYPE BASE64 [comment]}) and checks that the blob
     * really is a key of that type. @throws MetaInvalidException with a message for the user
     */
    public static ParsedKey parse(String openSshLine) {
        if (openSshLine == null || openSshLine.isBlank()) {
            throw new MetaInvalidException("SSH key is empty: paste an OpenSSH public key line such as 'ssh-ed25519 AAAA... you@host'");
        }
        String line = openSshLine.strip();
        if (line.length() > MAX_LINE) {
            throw new MetaInvalidException("SSH key is too long");
        }
        if (line.startsWith("-----BEGIN")) {
            throw new MetaInvalidException("SSH key looks like a PEM file (or a private key): paste the public key line from the .pub file");
        }
        String[] parts = line.split("\\s+", 3);
        if (parts.length < 2) {
            throw new MetaInvalidException("SSH key is not in OpenSSH format: expected 'TYPE BASE64 [comment]'");
        }
        String type = parts[0];
        requireSupported(type);
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new MetaInvalidException("SSH key data is not valid base64");
        }
        decode(type, blob);
        String comment = parts.length == 3 ? parts[2].strip() : "";
        return new ParsedKey(type, blob, fingerprint(blob), comment);
    }

    /** {@code "SHA256:" + unpadded base64(sha256(blob))}, exactly as OpenSSH prints it. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The fingerprint of a JDK key, as for its key line. @throws IllegalArgumentException as {@link #blob(PublicKey)} */
    public static String fingerprint(PublicKey key) {
        return fingerprint(blob(key));
    }

    /**
     * The OpenSSH wire-format blob of a JDK key (any provider's RSA, EC or Ed25519 key).
     * @throws IllegalArgumentException for key types SSH access does not support
     */
    public static byte[] blob(PublicKey key) {
        byte[] spki = key.getEncoded();
        try {
            AsymmetricKeyParameter parameters = spki == null ? null : PublicKeyFactory.createKey(spki);
            if (parameters != null && typeOf(parameters) != null) {
                return OpenSSHPublicKeyUtil.encodePublicKey(parameters);
            }
        } catch (IOException | RuntimeException e) {
            // Not a key Bouncy Castle can put in OpenSSH form: the same answer as any other unsupported type
        }
        throw new IllegalArgumentException("unsupported SSH key algorithm " + key.getAlgorithm());
    }

    /** Decodes the key's blob into a JDK public key (Ed25519, EC or RSA). @throws MetaInvalidException when it does not decode */
    public static PublicKey toPublicKey(ParsedKey key) {
        AsymmetricKeyParameter parameters = decode(key.type(), key.blob());
        String algorithm = parameters instanceof RSAKeyParameters ? "RSA"
                : parameters instanceof ECPublicKeyParameters ? "EC" : "Ed25519";
        try {
            byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(parameters).getEncoded();
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
        } catch (IOException | GeneralSecurityException e) {
            throw new MetaInvalidException("SSH key data is not a valid " + key.type() + " key");
        }
    }

    /** The blob as a key of {@code type}, with the checks Bouncy Castle leaves to us (RSA size, type on the line). */
    private static AsymmetricKeyParameter decode(String type, byte[] blob) {
        requireSupported(type);
        AsymmetricKeyParameter parameters;
        try {
            parameters = OpenSSHPublicKeyUtil.parsePublicKey(blob);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MetaInvalidException(problem(type, e.getMessage()));
        }
        if (!type.equals(typeOf(parameters))) {
            throw new MetaInvalidException("SSH key data does not match its type '" + type + "'");
        }
        if (parameters instanceof RSAKeyParameters rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new MetaInvalidException("RSA key has " + rsa.getModulus().bitLength() + " bits: at least "
                    + MIN_RSA_BITS + " are required (or use ssh-ed25519)");
        }
        return parameters;
    }

    /** Bouncy Castle's reason for refusing a blob, told in our words (its own messages are not for users). */
    private static String problem(String type, String reason) {
        String r = reason == null ? "" : reason;
        if (r.contains("exceeds buffer") || r.contains("truncated")) {
            return "SSH key data is damaged (truncated or malformed)";
        }
        if (r.contains("trailing")) {
            return "SSH key data has trailing bytes";
        }
        // Bouncy Castle checks that an EC point lies on the curve; an off-curve point is garbage or an attack
        if (EC_CURVES.containsKey(type) && (r.contains("point") || r.contains("value invalid"))) {
            return "SSH key data is not a point on " + EC_CURVES.get(type);
        }
        return "SSH key data is not a valid " + type + " key";
    }

    /** The OpenSSH type name of a key SSH access supports, or null. */
    private static String typeOf(AsymmetricKeyParameter key) {
        if (key instanceof Ed25519PublicKeyParameters) {
            return "ssh-ed25519";
        }
        if (key instanceof RSAKeyParameters rsa && !rsa.isPrivate()) {
            return "ssh-rsa";
        }
        if (key instanceof ECPublicKeyParameters ec) {
            String curve = SSHNamedCurves.getNameForParameters(ec.getParameters());
            String type = "ecdsa-sha2-" + curve;
            return EC_CURVES.containsKey(type) ? type : null;
        }
        return null;
    }

    private static void requireSupported(String type) {
        if (!type.equals("ssh-ed25519") && !type.equals("ssh-rsa") && !EC_CURVES.containsKey(type)) {
            throw new MetaInvalidException("SSH key type '" + shorten(type)
                    + "' is not supported: use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa");
        }
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
