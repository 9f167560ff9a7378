package dev.flowstage.agent.verify;

import dev.flowstage.agent.AgentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * The server's OpenPGP public key (one key ring, from {@code GET /api/v1/signing-key}) and its primary
 * key's fingerprint, as upper-case hex without spaces, the form {@code gpg --fingerprint} groups.
 */
public final class ServerSigningKey {
    private final PGPPublicKeyRing ring;
    private final String fingerprint;

    private ServerSigningKey(PGPPublicKeyRing ring) {
        this.ring = ring;
        this.fingerprint = HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint());
    }

    /** Parses an armored public key block holding exactly one key ring. */
    public static ServerSigningKey parse(String armored) {
        if (armored == null || !armored.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
            throw new AgentException("the signing key is not an armored OpenPGP public key"
                    + " (no -----BEGIN PGP PUBLIC KEY BLOCK----- line)");
        }
        try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            Iterator<PGPPublicKeyRing> it = rings.getKeyRings();
            if (!it.hasNext()) {
                throw new AgentException("the signing key holds no OpenPGP public key");
            }
            PGPPublicKeyRing ring = it.next();
            if (it.hasNext()) {
                throw new AgentException("the signing key holds more than one OpenPGP key; expected the server's one key");
            }
            return new ServerSigningKey(ring);
        } catch (IOException | PGPException | RuntimeException e) {
            if (e instanceof AgentException a) {
                throw a;
            }
            throw new AgentException("the signing key is not an armored OpenPGP public key: " + e.getMessage());
        }
    }

    /**
     * Parses {@code armored} and checks that its fingerprint is {@code expected} (the one provisioned).
     */
    public static ServerSigningKey pinned(String armored, String expected) {
        ServerSigningKey key = parse(armored);
        if (!key.fingerprint.equals(normalize(expected))) {
            throw new AgentException("the provisioned signing key's fingerprint is " + key.fingerprint + ", not the pinned "
                    + normalize(expected) + ": the config file was edited; run `flowstage-agent init` again");
        }
        return key;
    }

    /** Upper-case hex without spaces or colons. */
    public static String normalize(String fingerprint) {
        return fingerprint.replaceAll("[\\s:]", "").toUpperCase(Locale.ROOT);
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** The key (primary or subkey) with {@code keyId}, or null when this ring has none. */
    PGPPublicKey key(long keyId) {
        return ring.getPublicKey(keyId);
    }

    /** The key (primary or subkey) with this fingerprint, or null. */
    PGPPublicKey key(byte[] fingerprint) {
        return ring.getPublicKey(fingerprint);
    }
}
