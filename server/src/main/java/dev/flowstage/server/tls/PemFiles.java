package dev.flowstage.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes PEM certificates and private keys (PKCS#8 {@code PRIVATE KEY} or the traditional
 * {@code RSA/EC PRIVATE KEY}); keys come back as JDK keys so JSSE signs with its own providers.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in the file, leaf first, as a chain file lists them. */
    static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : readObjects(file, "TLS certificate")) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certs.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsException("TLS certificate " + file + " holds a certificate that cannot be decoded: "
                            + e.getMessage(), e);
                }
            }
        }
        if (certs.isEmpty()) {
            throw new TlsException("TLS certificate " + file + " holds no PEM certificate "
                    + "(expected a -----BEGIN CERTIFICATE----- block)");
        }
        return certs;
    }

    static PrivateKey readPrivateKey(Path file) {
        for (Object o : readObjects(file, "TLS private key")) {
            if (o instanceof PrivateKeyInfo info) {
                return toJdkKey(info, file);
            }
            if (o instanceof PEMKeyPair pair) {
                // A traditional EC key may omit its public half; the private part is all we need.
                return toJdkKey(pair.getPrivateKeyInfo(), file);
            }
            if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                throw new TlsException("TLS private key " + file + " is encrypted; give an unencrypted key "
                        + "(openssl pkey -in KEY -out PLAIN.pem) readable only by the server's user");
            }
            if (!(o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters || o instanceof X509CertificateHolder)) {
                throw new TlsException("TLS private key " + file + " holds an unsupported PEM block ("
                        + o.getClass().getSimpleName() + ")");
            }
        }
        throw new TlsException("TLS private key " + file + " holds no private key "
                + "(expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)");
    }

    /**
     * Decodes with the JDK's own key factories, not whichever provider (Bouncy Castle, once MINA SSHD
     * registered it) answers first, so JSSE always gets keys it signs with natively.
     */
    private static PrivateKey toJdkKey(PrivateKeyInfo info, Path file) {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            algorithm = "RSA";
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            algorithm = "EC";
        } else {
            throw new TlsException("TLS private key " + file + " has an unsupported type (" + oid
                    + "); use an RSA or EC key");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("TLS private key " + file + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    static String toPem(Object certificateOrKey) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (certificateOrKey instanceof PrivateKey key) {
                writer.writeObject(new JcaPKCS8Generator(key, null));
            } else {
                writer.writeObject(certificateOrKey);
            }
        } catch (IOException e) {
            throw new TlsException("cannot encode PEM: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static List<Object> readObjects(Path file, String what) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new TlsException(what + " " + file + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new TlsException(what + " " + file + " is not a readable PEM file: " + e.getMessage(), e);
        }
        return objects;
    }
}
