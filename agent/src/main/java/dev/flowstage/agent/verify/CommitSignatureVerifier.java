package dev.flowstage.agent.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * Checks that a raw commit object carries a {@code gpgsig} header holding one detached OpenPGP signature,
 * made by the provisioned server key (its primary key or one of its subkeys), over exactly the commit's
 * bytes without that header. Anything else (no signature, another key, changed bytes, a signature that
 * cannot be read) is refused with a {@link SignatureRefusedException} that says which.
 */
public final class CommitSignatureVerifier {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final ServerSigningKey key;

    public CommitSignatureVerifier(ServerSigningKey key) {
        this.key = key;
    }

    /**
     * @param commitId the commit's id, for messages
     * @param raw the commit object's bytes as stored (as hashed into its id)
     */
    public void verify(String commitId, byte[] raw) {
        String shortId = commitId.length() > 12 ? commitId.substring(0, 12) : commitId;
        SignedCommit parts = SignedCommit.split(raw);
        if (parts.signature() == null) {
            throw new SignatureRefusedException("commit " + shortId + " is not signed: refusing to deploy it");
        }
        PGPSignature sig = readSignature(shortId, parts.signature());
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT && sig.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            throw new SignatureRefusedException("commit " + shortId + " carries a signature of type " + sig.getSignatureType()
                    + ", not a document signature: refusing to deploy it");
        }
        PGPPublicKey signer = signer(sig);
        if (signer == null) {
            throw new SignatureRefusedException("commit " + shortId + " is signed by another key (" + issuer(sig)
                    + "), not the server's key " + key.fingerprint() + ": refusing to deploy it");
        }
        boolean valid;
        try {
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(BC), signer);
            sig.update(parts.payload());
            valid = sig.verify();
        } catch (PGPException | RuntimeException e) {
            throw new SignatureRefusedException("commit " + shortId + "'s signature cannot be checked (" + e.getMessage()
                    + "): refusing to deploy it");
        }
        if (!valid) {
            throw new SignatureRefusedException("commit " + shortId + "'s signature does not match its content"
                    + " (the commit was changed after it was signed): refusing to deploy it");
        }
    }

    private static PGPSignature readSignature(String shortId, String armored) {
        try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            Object o = new JcaPGPObjectFactory(in).nextObject();
            if (o instanceof PGPSignatureList list && list.size() == 1) {
                return list.get(0);
            }
            throw new SignatureRefusedException("commit " + shortId + "'s gpgsig header is not one detached OpenPGP"
                    + " signature: refusing to deploy it");
        } catch (IOException | RuntimeException e) {
            if (e instanceof SignatureRefusedException s) {
                throw s;
            }
            throw new SignatureRefusedException("commit " + shortId + "'s gpgsig header cannot be read as an OpenPGP"
                    + " signature: refusing to deploy it");
        }
    }

    /** The provisioned key (or subkey) the signature names as its issuer, or null when it names another. */
    private PGPPublicKey signer(PGPSignature sig) {
        IssuerFingerprint fp = sig.getHashedSubPackets() == null ? null : sig.getHashedSubPackets().getIssuerFingerprint();
        if (fp == null && sig.getUnhashedSubPackets() != null) {
            fp = sig.getUnhashedSubPackets().getIssuerFingerprint();
        }
        if (fp != null) {
            PGPPublicKey k = key.key(fp.getFingerprint());
            if (k == null) {
                return null;
            }
            // the key id, when present too, must name the same key
            return sig.getKeyID() == 0 || sig.getKeyID() == k.getKeyID() ? k : null;
        }
        return sig.getKeyID() == 0 ? null : key.key(sig.getKeyID());
    }

    private static String issuer(PGPSignature sig) {
        IssuerFingerprint fp = sig.getHashedSubPackets() == null ? null : sig.getHashedSubPackets().getIssuerFingerprint();
        if (fp != null) {
            return "fingerprint " + HexFormat.of().withUpperCase().formatHex(fp.getFingerprint());
        }
        return "key id " + String.format("%016X", sig.getKeyID());
    }
}
