package dev.flowstage.agent.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a raw commit object into what was signed and the signature, as {@code git verify-commit} does:
 * the payload is the commit with its {@code gpgsig} header (and that header's continuation lines) taken
 * out; the signature is the header's value with the continuation spaces removed.
 */
public record SignedCommit(byte[] payload, String signature) {
    private static final byte[] HEADER = "gpgsig ".getBytes(StandardCharsets.US_ASCII);

    /**
     * @return the parts, with a null {@code signature} when the commit has no gpgsig header
     * @throws SignatureRefusedException when the commit has more than one gpgsig header
     */
    public static SignedCommit split(byte[] raw) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(raw.length);
        StringBuilder signature = null;
        int pos = 0;
        boolean inHeaders = true;
        boolean inSignature = false;
        while (pos < raw.length) {
            int end = pos;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, raw.length); // includes the newline
            if (inHeaders) {
                if (end == pos) {
                    inHeaders = false; // the blank line before the message
                    inSignature = false;
                } else if (inSignature && raw[pos] == ' ') {
                    signature.append(new String(raw, pos + 1, end - pos - 1, StandardCharsets.US_ASCII)).append('\n');
                    pos = next;
                    continue;
                } else {
                    inSignature = false;
                    if (startsWith(raw, pos, HEADER)) {
                        if (signature != null) {
                            throw new SignatureRefusedException("the commit carries more than one gpgsig header");
                        }
                        signature = new StringBuilder(new String(raw, pos + HEADER.length, end - pos - HEADER.length,
                                StandardCharsets.US_ASCII)).append('\n');
                        inSignature = true;
                        pos = next;
                        continue;
                    }
                }
            }
            payload.write(raw, pos, next - pos);
            pos = next;
        }
        return new SignedCommit(payload.toByteArray(), signature == null ? null : signature.toString());
    }

    private static boolean startsWith(byte[] raw, int pos, byte[] prefix) {
        if (raw.length - pos < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (raw[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
