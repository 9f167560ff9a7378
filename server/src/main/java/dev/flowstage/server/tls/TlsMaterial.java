package dev.flowstage.server.tls;

import dev.flowstage.server.OwnerOnlyFiles;
import dev.flowstage.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The HTTPS certificate and key: generated once into {@code DATA/tls/} (cert.pem, key.pem — the key
 * readable by the owner only) and reused on later starts, or loaded from the operator's
 * {@code --tls-cert}/{@code --tls-key} PEM files. Hands Jetty an in-memory {@link KeyStore}.
 */
public final class TlsMaterial {
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";
    private static final String ALIAS = "flowstage";

    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;
    private final boolean generated;
    private final char[] keyStorePassword;

    private TlsMaterial(List<X509Certificate> chain, PrivateKey privateKey, boolean generated) {
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.generated = generated;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        // The key store never leaves memory; the password only satisfies the KeyStore API.
        this.keyStorePassword = Base64.getEncoder().encodeToString(random).toCharArray();
    }

    /** The operator's files when configured, else the generated certificate in {@code DATA/tls}. */
    public static TlsMaterial forConfig(ServerConfig config) {
        if (config.tlsCert().isPresent()) {
            return load(config.tlsCert().get(), config.tlsKey().orElseThrow());
        }
        List<String> names = new ArrayList<>();
        names.add(machineHostName());
        names.add(config.publicHost());
        return loadOrCreate(config.tlsDir(), config.publicHost(), names);
    }

    /** Loads a PEM certificate (chain, leaf first) and its private key; they must belong together. */
    public static TlsMaterial load(Path certificatePem, Path privateKeyPem) {
        List<X509Certificate> chain = PemFiles.readCertificates(certificatePem);
        PrivateKey key = PemFiles.readPrivateKey(privateKeyPem);
        if (!matches(key, chain.get(0))) {
            throw new TlsException("TLS private key " + privateKeyPem + " does not belong to the certificate in "
                    + certificatePem);
        }
        return new TlsMaterial(chain, key, false);
    }

    /**
     * Reuses {@code dir/cert.pem} and {@code dir/key.pem}, or creates them when there is no
     * certificate yet. A certificate whose key is missing is an error: silently replacing it would
     * break every client that pinned or trusted it.
     */
    public static TlsMaterial loadOrCreate(Path dir, String commonName, List<String> hostNames) {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert)) {
            if (!Files.exists(key)) {
                throw new TlsException("TLS certificate " + cert + " has no key " + key
                        + "; restore the key or delete the certificate to generate a new one");
            }
            return load(cert, key);
        }
        SelfSignedCertificate.Generated g = SelfSignedCertificate.create(commonName, hostNames, Instant.now());
        try {
            // Key first: a certificate on disk always has its key next to it.
            OwnerOnlyFiles.write(key, PemFiles.toPem(g.keyPair().getPrivate()).getBytes(StandardCharsets.US_ASCII));
            Files.writeString(cert, PemFiles.toPem(g.certificate()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsException("cannot write the TLS certificate to " + dir + ": " + e.getMessage(), e);
        }
        return new TlsMaterial(List.of(g.certificate()), g.keyPair().getPrivate(), true);
    }

    /** Whether this start generated the certificate (first start on this data directory). */
    public boolean generated() {
        return generated;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** A key store with the key and chain under one entry, for Jetty's {@code SslContextFactory.Server}. */
    public KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, privateKey, keyStorePassword, chain.toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot build the TLS key store: " + e.getMessage(), e);
        }
    }

    public String keyStorePassword() {
        return new String(keyStorePassword);
    }

    /** A key store trusting only this certificate, for clients (tests, tools) of a self-signed server. */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry(ALIAS, certificate());
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("cannot build the TLS trust store: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate in colon-separated upper-case hex, as {@code openssl x509 -fingerprint -sha256}. */
    public String sha256Fingerprint() {
        return fingerprint(certificate());
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot fingerprint the TLS certificate: " + e.getMessage(), e);
        }
    }

    /** Signs with the key and verifies with the certificate: works for every key type JSSE can use. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new TlsException("unsupported TLS key type " + key.getAlgorithm()
                    + "; use an RSA or EC key");
        };
        try {
            byte[] probe = "flowstage-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
