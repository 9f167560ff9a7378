package dev.flowstage.hooks.remote;

import dev.flowstage.storage.meta.MetaInvalidException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * A CA certificate (PEM, one or more certificates) that one outbound Git connection trusts besides the
 * JVM's own CAs, with the fingerprint shown where the certificate itself is not.
 */
public record CaCertificate(String pem, List<X509Certificate> certificates) {
    public CaCertificate {
        certificates = List.copyOf(certificates);
    }

    /** @throws MetaInvalidException naming {@code field} when {@code pem} holds no X.509 certificate */
    public static CaCertificate parse(String field, String pem) {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new MetaInvalidException("'" + field + "' must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> certs = new ArrayList<>();
            for (java.security.cert.Certificate c : all) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return new CaCertificate(pem, certs);
        } catch (CertificateException | ClassCastException e) {
            throw new MetaInvalidException("'" + field + "' is not a valid PEM certificate");
        }
    }

    /** {@code sha256:} and the hex SHA-256 of the first certificate's DER encoding. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificates.get(0).getEncoded());
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
