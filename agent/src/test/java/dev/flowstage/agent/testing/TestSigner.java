package dev.flowstage.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * An OpenPGP key made with Bouncy Castle for tests, standing in for the server's signing key: it signs
 * commits as the server does (an armored detached signature over the commit without its gpgsig header,
 * in a gpgsig header), and writes commits that are unsigned or changed after signing.
 */
public final class TestSigner {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final PGPKeyPair keyPair;
    private final PGPPublicKeyRing publicRing;

    private TestSigner(PGPKeyPair keyPair, PGPPublicKeyRing publicRing) {
        this.keyPair = keyPair;
        this.publicRing = publicRing;
    }

    /** A fresh Ed25519 signing key with a self-certified user id. */
    public static TestSigner generate(String userId) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519", BC);
            KeyPair kp = kpg.generateKeyPair();
            PGPKeyPair pgp = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.EDDSA_LEGACY, kp, new Date());
            PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().setProvider(BC).build()
                    .get(HashAlgorithmTags.SHA1);
            PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pgp, userId, sha1,
                    null, null, new JcaPGPContentSignerBuilder(pgp.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                            .setProvider(BC), null);
            return new TestSigner(pgp, gen.generatePublicKeyRing());
        } catch (PGPException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key, armored, as {@code GET /api/v1/signing-key} serves it. */
    public String armoredPublicKey() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream out = new ArmoredOutputStream(bytes)) {
            publicRing.encode(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** An armored detached signature over {@code payload}. */
    public String sign(byte[] payload) {
        try {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(keyPair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                            .setProvider(BC), keyPair.getPublicKey());
            gen.init(PGPSignature.BINARY_DOCUMENT, keyPair.getPrivateKey());
            PGPSignatureSubpacketGenerator sub = new PGPSignatureSubpacketGenerator();
            sub.setSignatureCreationTime(false, new Date());
            sub.setIssuerFingerprint(false, keyPair.getPublicKey());
            gen.setHashedSubpackets(sub.generate());
            gen.update(payload);
            PGPSignature sig = gen.generate();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArmoredOutputStream out = new ArmoredOutputStream(bytes)) {
                sig.encode(out);
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inserts a commit of {@code tree} with {@code parent} (may be null), signed by this key. */
    public ObjectId signedCommit(Repository repo, AnyObjectId tree, AnyObjectId parent, String message) throws IOException {
        CommitBuilder c = commit(tree, parent, message);
        c.setGpgSignature(new GpgSignature(sign(c.build()).getBytes(StandardCharsets.US_ASCII)));
        return insert(repo, c.build());
    }

    /** Inserts the same commit without a signature. */
    public static ObjectId unsignedCommit(Repository repo, AnyObjectId tree, AnyObjectId parent, String message)
            throws IOException {
        return insert(repo, commit(tree, parent, message).build());
    }

    /**
     * A commit signed by this key over {@code signedTree}, whose tree is then replaced by {@code actualTree}
     * keeping the signature: what an attacker who changed a signed commit's content would serve.
     */
    public ObjectId tamperedCommit(Repository repo, AnyObjectId signedTree, AnyObjectId actualTree, AnyObjectId parent,
            String message) throws IOException {
        CommitBuilder c = commit(signedTree, parent, message);
        c.setGpgSignature(new GpgSignature(sign(c.build()).getBytes(StandardCharsets.US_ASCII)));
        c.setTreeId(actualTree);
        return insert(repo, c.build());
    }

    private static CommitBuilder commit(AnyObjectId tree, AnyObjectId parent, String message) {
        PersonIdent who = new PersonIdent("Flowstage", "server@flowstage.test");
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(tree);
        if (parent != null) {
            c.setParentId(parent);
        }
        c.setAuthor(who);
        c.setCommitter(who);
        c.setMessage(message);
        return c;
    }

    private static ObjectId insert(Repository repo, byte[] raw) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(Constants.OBJ_COMMIT, raw);
            ins.flush();
            return id;
        }
    }
}
