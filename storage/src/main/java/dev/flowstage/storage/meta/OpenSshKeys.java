package dev.flowstage.storage.meta;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/** Parses and checks OpenSSH public key lines and computes their fingerprints as {@code ssh-keygen -lf} prints them. */
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
    // DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32 key bytes
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

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
        String comment = parts.length == 3 ? parts[2].strip() : "";
        ParsedKey key = new ParsedKey(type, blob, fingerprint(blob), comment);
        toPublicKey(key);
        return key;
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

    /** Decodes the key's blob into a JDK public key (Ed25519, EC or RSA). @throws MetaInvalidException when it does not decode */
    public static PublicKey toPublicKey(ParsedKey key) {
        requireSupported(key.type());
        Reader r = new Reader(key.blob());
        String blobType = r.string();
        if (!key.type().equals(blobType)) {
            throw new MetaInvalidException("SSH key data does not match its type '" + key.type() + "'");
        }
        PublicKey pk;
        try {
            if (key.type().equals("ssh-ed25519")) {
                pk = ed25519(r.bytes());
            } else if (key.type().equals("ssh-rsa")) {
                BigInteger e = r.mpint();
                BigInteger n = r.mpint();
                pk = rsa(e, n);
            } else {
                String curve = r.string();
                if (!key.type().endsWith(curve)) {
                    throw new MetaInvalidException("SSH key data does not match its type '" + key.type() + "'");
                }
                pk = ec(EC_CURVES.get(key.type()), r.bytes());
            }
        } catch (GeneralSecurityException e) {
            throw new MetaInvalidException("SSH key data is not a valid " + key.type() + " key");
        }
        if (r.remaining() != 0) {
            throw new MetaInvalidException("SSH key data has trailing bytes");
        }
        return pk;
    }

    private static void requireSupported(String type) {
        if (!type.equals("ssh-ed25519") && !type.equals("ssh-rsa") && !EC_CURVES.containsKey(type)) {
            throw new MetaInvalidException("SSH key type '" + shorten(type)
                    + "' is not supported: use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa");
        }
    }

    private static PublicKey ed25519(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new MetaInvalidException("SSH key data is not a valid ssh-ed25519 key");
        }
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        der.writeBytes(ED25519_SPKI_PREFIX);
        der.writeBytes(raw);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der.toByteArray()));
    }

    private static PublicKey rsa(BigInteger e, BigInteger n) throws GeneralSecurityException {
        if (e.signum() <= 0 || n.signum() <= 0 || !e.testBit(0) || !n.testBit(0)) {
            throw new MetaInvalidException("SSH key data is not a valid ssh-rsa key");
        }
        if (n.bitLength() < MIN_RSA_BITS) {
            throw new MetaInvalidException("RSA key has " + n.bitLength() + " bits: at least "
                    + MIN_RSA_BITS + " are required (or use ssh-ed25519)");
        }
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    }

    private static PublicKey ec(String curveName, byte[] q) throws GeneralSecurityException {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec(curveName));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        int len = (spec.getCurve().getField().getFieldSize() + 7) / 8;
        if (q.length != 1 + 2 * len || q[0] != 0x04) {
            throw new MetaInvalidException("SSH key data is not a valid uncompressed EC point");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + len));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(q, 1 + len, q.length));
        if (!onCurve(spec.getCurve(), x, y)) {
            throw new MetaInvalidException("SSH key data is not a point on " + curveName);
        }
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
    }

    // The JDK's KeyFactory accepts any coordinates; an off-curve point would be garbage (or an attack).
    private static boolean onCurve(EllipticCurve curve, BigInteger x, BigInteger y) {
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger lhs = y.multiply(y).mod(p);
        BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return lhs.equals(rhs);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Reads SSH wire-format fields (RFC 4251 §5); any overrun is a damaged key. */
    private static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] blob) {
            this.buf = ByteBuffer.wrap(blob);
        }

        byte[] bytes() {
            if (buf.remaining() < 4) {
                throw damaged();
            }
            int len = buf.getInt();
            if (len < 0 || len > buf.remaining()) {
                throw damaged();
            }
            byte[] out = new byte[len];
            buf.get(out);
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.US_ASCII);
        }

        BigInteger mpint() {
            byte[] b = bytes();
            if (b.length == 0) {
                return BigInteger.ZERO;
            }
            return new BigInteger(b);
        }

        int remaining() {
            return buf.remaining();
        }

        private static MetaInvalidException damaged() {
            return new MetaInvalidException("SSH key data is damaged (truncated or malformed)");
        }
    }
}
