package dev.flowstage.storage.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * The server's OpenPGP key (ed25519, a v4 key that gpg 2.2 and later read), which signs what the server
 * writes to device and group {@code main}s. Generated on first start into one armored file, readable by
 * the server's user only (the secret part is not passphrase-protected: the file's permissions guard it,
 * as they guard the master key and the TLS and SSH keys).
 */
public final class SigningKey {
    private static final Provider BC = new BouncyCastleProvider();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final PGPSecretKey secret;
    private final PGPPrivateKey privateKey;

    private SigningKey(PGPSecretKey secret) throws PGPException {
        this.secret = secret;
        this.privateKey = secret.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder().setProvider(BC).build(new char[0]));
    }

    /** Reads the key at {@code file}, or generates one there (owner-only) when the file does not exist. */
    public static SigningKey loadOrCreate(Path file, String userId, Instant now) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            byte[] armored = generate(userId, now);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.write(tmp, armored);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(tmp);
                if (!Files.exists(file)) {
                    throw e;
                }
            }
        } else if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            PGPSecretKeyRing ring = new PGPSecretKeyRing(in, new JcaKeyFingerprintCalculator());
            return new SigningKey(ring.getSecretKey());
        } catch (PGPException | RuntimeException e) {
            throw new IOException("the signing key in " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] generate(String userId, Instant now) throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519", BC);
            KeyPair kp = gen.generateKeyPair();
            PGPKeyPair pair = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.EDDSA_LEGACY, kp,
                    Date.from(now));
            PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build()
                    .get(HashAlgorithmTags.SHA1);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setKeyFlags(false, org.bouncycastle.bcpg.sig.KeyFlags.CERTIFY_OTHER
                    | org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA);
            hashed.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA512});
            PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, userId, sha1,
                    hashed.generate(), null,
                    new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                            .setProvider(BC), null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                rings.generateSecretKeyRing().encode(armor);
            }
            return out.toByteArray();
        } catch (GeneralSecurityException | PGPException e) {
            throw new IOException("cannot generate the signing key: " + e.getMessage(), e);
        }
    }

    /** The key's fingerprint: 40 upper-case hex digits, as {@code gpg --fingerprint} shows it (without spaces). */
    public String fingerprint() {
        return HexFormat.of().formatHex(secret.getPublicKey().getFingerprint()).toUpperCase(Locale.ROOT);
    }

    /** The public key, ASCII-armored ({@code gpg --import} takes it). */
    public String armoredPublicKey() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PGPPublicKeyRing ring = new PGPPublicKeyRing(java.util.List.of(secret.getPublicKey()));
            try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                ring.encode(armor, true);
            }
            return out.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public PGPPublicKey publicKey() {
        return secret.getPublicKey();
    }

    /** An ASCII-armored detached signature over {@code payload}, as Git keeps in a commit's {@code gpgsig} header. */
    public byte[] sign(byte[] payload, Instant now) {
        try {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(secret.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                            .setProvider(BC), secret.getPublicKey());
            gen.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
            sub.setSignatureCreationTime(false, Date.from(now));
            sub.setIssuerFingerprint(false, secret.getPublicKey());
            sub.setIssuerKeyID(false, secret.getKeyID());
            gen.setHashedSubpackets(sub.generate());
            gen.update(payload);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out);
                    OutputStream bcpg = new BCPGOutputStream(armor)) {
                gen.generate().encode(bcpg);
            }
            return out.toByteArray();
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot sign with the server's key: " + e.getMessage(), e);
        }
    }
}
