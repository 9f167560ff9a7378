package dev.flowstage.agent.tls;

import dev.flowstage.agent.AgentException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints of certificates in the form the server prints at start-up and
 * {@code openssl x509 -fingerprint -sha256} shows: colon-separated upper-case hex.
 */
public final class CertificateFingerprint {
    private CertificateFingerprint() {}

    public static String of(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("fingerprinting a certificate", e);
        }
    }

    /**
     * {@code text} in canonical form; accepts upper or lower case, with or without colons and an optional
     * {@code SHA256:} / {@code sha256//} prefix.
     */
    public static String normalize(String text) {
        String hex = text.strip().replaceFirst("(?i)^sha-?256[:/]*", "").replace(":", "").replace(" ", "")
                .toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new AgentException("'" + text + "' is not a SHA-256 certificate fingerprint (64 hex digits,"
                    + " colons allowed, as the server prints it at start-up)");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }
}
