package dev.flowstage.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
    @TempDir
    Path dir;

    @Test
    void generatesOnceWithTheExpectedCertificateAndReusesIt() throws Exception {
        TlsMaterial first = TlsMaterial.loadOrCreate(dir, "git.example.test", List.of("build-box", "git.example.test",
                "10.0.0.7"));
        assertTrue(first.generated());
        X509Certificate cert = first.certificate();
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=git.example.test"));
        List<String> sans = new ArrayList<>();
        cert.getSubjectAlternativeNames().forEach(n -> sans.add(n.get(1).toString()));
        assertEquals(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "build-box", "git.example.test", "10.0.0.7"),
                sans);
        Duration validity = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 3649 && validity.toDays() <= 3650, validity.toString());
        assertEquals(-1, cert.getBasicConstraints());
        assertTrue(Files.readString(dir.resolve(TlsMaterial.KEY_FILE)).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve(TlsMaterial.CERT_FILE)).startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(TlsMaterial.KEY_FILE))));

        TlsMaterial second = TlsMaterial.loadOrCreate(dir, "other", List.of());
        assertFalse(second.generated());
        assertEquals(first.sha256Fingerprint(), second.sha256Fingerprint());
    }

    @Test
    void fingerprintIsWhatOpensslPrints() throws Exception {
        TlsMaterial tls = TlsMaterial.loadOrCreate(dir, "localhost", List.of());
        String out = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                dir.resolve(TlsMaterial.CERT_FILE).toString());
        assertEquals(tls.sha256Fingerprint(), out.strip().substring(out.indexOf('=') + 1));
        assertTrue(tls.sha256Fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
    }

    @Test
    void keyStoreHoldsKeyAndChainAndTrustStoreOnlyTheCertificate() throws Exception {
        TlsMaterial tls = TlsMaterial.loadOrCreate(dir, "localhost", List.of());
        KeyStore ks = tls.keyStore();
        String alias = ks.aliases().nextElement();
        assertTrue(ks.isKeyEntry(alias));
        assertEquals(tls.certificate(), ks.getCertificate(alias));
        assertTrue(ks.getKey(alias, tls.keyStorePassword().toCharArray()) != null);
        KeyStore trust = tls.trustStore();
        assertTrue(trust.isCertificateEntry(trust.aliases().nextElement()));
    }

    @Test
    void loadsOperatorPemsInPkcs8AndTraditionalForm() throws Exception {
        // In the server MINA SSHD registers Bouncy Castle as a JCA provider; keys must still come out as JDK keys.
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("rsa-pkcs8.pem"), "-out",
                p("rsa-cert.pem"), "-subj", "/CN=flows.example.test", "-days", "2");
        run("openssl", "rsa", "-in", p("rsa-pkcs8.pem"), "-traditional", "-out", p("rsa-trad.pem"));
        assertTrue(Files.readString(dir.resolve("rsa-trad.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        run("openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", p("ec-trad.pem"));
        run("openssl", "req", "-x509", "-new", "-key", p("ec-trad.pem"), "-out", p("ec-cert.pem"), "-subj",
                "/CN=ec.example.test", "-days", "2");

        TlsMaterial pkcs8 = TlsMaterial.load(dir.resolve("rsa-cert.pem"), dir.resolve("rsa-pkcs8.pem"));
        assertFalse(pkcs8.generated());
        assertEquals("RSA", pkcs8.certificate().getPublicKey().getAlgorithm());
        TlsMaterial traditional = TlsMaterial.load(dir.resolve("rsa-cert.pem"), dir.resolve("rsa-trad.pem"));
        assertEquals(pkcs8.sha256Fingerprint(), traditional.sha256Fingerprint());
        TlsMaterial ec = TlsMaterial.load(dir.resolve("ec-cert.pem"), dir.resolve("ec-trad.pem"));
        assertEquals("EC", ec.certificate().getPublicKey().getAlgorithm());
        KeyStore ks = ec.keyStore();
        assertEquals("EC", ks.getKey(ks.aliases().nextElement(), ec.keyStorePassword().toCharArray()).getAlgorithm());
    }

    @Test
    void forConfigUsesTheOperatorsFilesWhenGiven() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("key.pem"), "-out",
                p("cert.pem"), "-subj", "/CN=mine", "-days", "2");
        Path data = dir.resolve("data");
        ServerConfig own = new ConfigLoader(() -> "h").load(List.of("--data", data.toString(),
                "--tls-cert", p("cert.pem"), "--tls-key", p("key.pem")), Map.of());
        assertTrue(TlsMaterial.forConfig(own).certificate().getSubjectX500Principal().getName().contains("CN=mine"));
        assertFalse(Files.exists(data.resolve("tls")));

        ServerConfig generated = new ConfigLoader(() -> "h").load(List.of("--data", data.toString()), Map.of());
        TlsMaterial tls = TlsMaterial.forConfig(generated);
        assertTrue(tls.generated());
        assertTrue(Files.exists(data.resolve("tls/cert.pem")));
    }

    @Test
    void badFilesGiveClearErrors() throws Exception {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("key.pem"), "-out",
                p("cert.pem"), "-subj", "/CN=a", "-days", "2");
        run("openssl", "genrsa", "-out", p("other-key.pem"), "2048");
        run("openssl", "pkey", "-in", p("key.pem"), "-aes256", "-passout", "pass:secret", "-out", p("encrypted.pem"));
        Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        Path cert = dir.resolve("cert.pem");

        assertEquals("TLS certificate " + p("missing.pem") + " does not exist",
                error(dir.resolve("missing.pem"), dir.resolve("key.pem")));
        assertEquals("TLS certificate " + p("garbage.pem") + " holds no PEM certificate (expected a "
                + "-----BEGIN CERTIFICATE----- block)", error(dir.resolve("garbage.pem"), dir.resolve("key.pem")));
        assertEquals("TLS private key " + p("cert.pem") + " holds no private key (expected -----BEGIN PRIVATE "
                + "KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)", error(cert, cert));
        assertEquals("TLS private key " + p("other-key.pem") + " does not belong to the certificate in "
                + p("cert.pem"), error(cert, dir.resolve("other-key.pem")));
        assertTrue(error(cert, dir.resolve("encrypted.pem")).startsWith("TLS private key " + p("encrypted.pem")
                + " is encrypted;"));
    }

    @Test
    void aGeneratedCertificateWithoutItsKeyIsNotSilentlyReplaced() {
        TlsMaterial.loadOrCreate(dir, "localhost", List.of());
        dir.resolve(TlsMaterial.KEY_FILE).toFile().delete();
        TlsException e = assertThrows(TlsException.class, () -> TlsMaterial.loadOrCreate(dir, "localhost", List.of()));
        assertTrue(e.getMessage().contains("delete the certificate to generate a new one"), e.getMessage());
    }

    private String error(Path cert, Path key) {
        return assertThrows(TlsException.class, () -> TlsMaterial.load(cert, key)).getMessage();
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
