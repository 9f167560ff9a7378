package dev.flowstage.storage.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.GpgSignature;

/**
 * Git commit signatures with the server's key: the {@code gpgsig} header holds an ASCII-armored detached
 * OpenPGP signature over the commit object's bytes without that header, exactly what
 * {@code git verify-commit} checks. {@link #verify} is the same check in Java (for the agent and tests).
 */
public final class CommitSignatures {
    private static final byte[] GPGSIG = "gpgsig ".getBytes(StandardCharsets.US_ASCII);

    private final SigningKey key;
    private final Clock clock;

    public CommitSignatures(SigningKey key, Clock clock) {
        this.key = Objects.requireNonNull(key);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Signs {@code commit} (tree, parents, idents and message already set); insert it afterwards. */
    public void sign(CommitBuilder commit) {
        commit.setGpgSignature(null);
        byte[] payload;
        try {
            payload = commit.build();
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalArgumentException("the commit's encoding is not supported: " + e.getMessage(), e);
        }
        commit.setGpgSignature(new GpgSignature(key.sign(payload, clock.instant())));
    }

    public SigningKey key() {
        return key;
    }

    /** Whether the raw commit object {@code raw} carries a valid signature made by {@code signer}. */
    public static boolean verify(byte[] raw, PGPPublicKey signer) {
        int start = headerStart(raw);
        if (start < 0) {
            return false;
        }
        int end = start + GPGSIG.length;
        ByteArrayOutputStream armored = new ByteArrayOutputStream();
        // the header's value: its first line, then continuation lines that start with a space
        while (true) {
            int eol = indexOf(raw, (byte) '\n', end);
            if (eol < 0) {
                return false;
            }
            armored.write(raw, end, eol - end);
            armored.write('\n');
            end = eol + 1;
            if (end >= raw.length || raw[end] != ' ') {
                break;
            }
            end++;
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
        payload.write(raw, 0, start);
        payload.write(raw, end, raw.length - end);
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored.toByteArray()))) {
            Object o = new JcaPGPObjectFactory(in).nextObject();
            if (!(o instanceof PGPSignatureList list) || list.isEmpty()) {
                return false;
            }
            PGPSignature sig = list.get(0);
            if (sig.getKeyID() != signer.getKeyID()) {
                return false;
            }
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(new BouncyCastleProvider()), signer);
            sig.update(payload.toByteArray());
            return sig.verify();
        } catch (IOException | PGPException | RuntimeException e) {
            return false;
        }
    }

    /** Where the {@code gpgsig} header starts among the headers (before the blank line), or -1. */
    private static int headerStart(byte[] raw) {
        int pos = 0;
        while (pos < raw.length && raw[pos] != '\n') {
            if (startsWith(raw, pos, GPGSIG)) {
                return pos;
            }
            int eol = indexOf(raw, (byte) '\n', pos);
            if (eol < 0) {
                return -1;
            }
            pos = eol + 1;
        }
        return -1;
    }

    private static boolean startsWith(byte[] raw, int pos, byte[] prefix) {
        if (pos + prefix.length > raw.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (raw[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] raw, byte b, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
