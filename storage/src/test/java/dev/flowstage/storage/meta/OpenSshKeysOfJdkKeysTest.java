package dev.flowstage.storage.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.ArrayList;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Blobs and fingerprints of JDK keys (what an SSH server hands over) against ssh-keygen's own. */
class OpenSshKeysOfJdkKeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-3072"})
    void fingerprintOfAKeyFromSshKeygenMatchesSshKeygen(String spec) throws Exception {
        String[] parts = spec.split("-");
        Path key = dir.resolve("id");
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", "test", "-f", key.toString(), "-t", parts[0]));
        if (parts.length > 1) {
            cmd.addAll(List.of("-b", parts[1]));
        }
        run(cmd);
        String line = Files.readString(dir.resolve("id.pub"), StandardCharsets.US_ASCII).trim();
        String sshKeygen = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", dir.resolve("id.pub").toString())).split(" ")[1];

        OpenSshKeys.ParsedKey parsed = OpenSshKeys.parse(line);
        PublicKey javaKey = OpenSshKeys.toPublicKey(parsed);

        assertArrayEquals(parsed.blob(), OpenSshKeys.blob(javaKey));
        assertEquals(sshKeygen, OpenSshKeys.fingerprint(javaKey));
        assertEquals(sshKeygen, parsed.fingerprint());
    }

    @Test
    void javaGeneratedKeysGiveTheBlobSshKeygenFingerprints() throws Exception {
        // Bouncy Castle's Ed25519 keys are what an SSH server with the BC provider hands over
        PublicKey bcEd25519 = KeyPairGenerator.getInstance("Ed25519", new BouncyCastleProvider()).generateKeyPair().getPublic();
        int n = 0;
        for (PublicKey key : List.of(generate("Ed25519", null), bcEd25519, generate("EC", new ECGenParameterSpec("secp384r1")))) {
            String type = key.getAlgorithm().equals("EC") ? "ecdsa-sha2-nistp384" : "ssh-ed25519";
            Path pub = dir.resolve(type + (n++) + ".pub");
            Files.writeString(pub, type + " " + Base64.getEncoder().encodeToString(OpenSshKeys.blob(key)) + " t\n");
            String sshKeygen = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString())).split(" ")[1];
            assertEquals(sshKeygen, OpenSshKeys.fingerprint(key), type);
        }
    }

    @Test
    void unsupportedKeyTypesAreRefused() throws Exception {
        PublicKey dsa = generate("DSA", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenSshKeys.blob(dsa));
        assertEquals("unsupported SSH key algorithm DSA", e.getMessage());
        // An EC curve OpenSSH has no name for
        KeyPairGenerator k1 = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        k1.initialize(new ECGenParameterSpec("secp256k1"));
        PublicKey secp256k1 = k1.generateKeyPair().getPublic();
        e = assertThrows(IllegalArgumentException.class, () -> OpenSshKeys.fingerprint(secp256k1));
        assertEquals("unsupported SSH key algorithm EC", e.getMessage());
    }

    private static PublicKey generate(String algorithm, ECGenParameterSpec spec) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
        if (spec != null) {
            gen.initialize(spec);
        }
        return gen.generateKeyPair().getPublic();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
