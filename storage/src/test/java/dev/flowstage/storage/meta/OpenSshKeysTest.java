package dev.flowstage.storage.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSshKeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"ed25519,0,ssh-ed25519,EdDSA", "ecdsa,256,ecdsa-sha2-nistp256,EC", "ecdsa,384,ecdsa-sha2-nistp384,EC",
        "ecdsa,521,ecdsa-sha2-nistp521,EC", "rsa,2048,ssh-rsa,RSA", "rsa,3072,ssh-rsa,RSA"})
    void parsesKeysFromSshKeygenWithItsFingerprint(String t, int bits, String type, String jdkAlg) throws Exception {
        Path pub = keygen(t, bits, "alice@laptop with spaces");
        OpenSshKeys.ParsedKey key = OpenSshKeys.parse(Files.readString(pub));
        assertEquals(type, key.type());
        assertEquals("alice@laptop with spaces", key.comment());
        assertEquals(sshKeygenFingerprint(pub), key.fingerprint());
        PublicKey pk = OpenSshKeys.toPublicKey(key);
        assertEquals(jdkAlg, pk.getAlgorithm());
        assertEquals(Files.readString(pub).strip(), key.line());
    }

    @Test
    void keyWithoutCommentParses() throws Exception {
        Path pub = keygen("ed25519", 0, "x");
        String[] parts = Files.readString(pub).split(" ");
        OpenSshKeys.ParsedKey key = OpenSshKeys.parse("  " + parts[0] + "\t" + parts[1] + "\n");
        assertEquals("", key.comment());
        assertEquals(sshKeygenFingerprint(pub), key.fingerprint());
    }

    @Test
    void shortRsaKeyIsRefused() throws Exception {
        Path pub = keygen("rsa", 1024, "old");
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> OpenSshKeys.parse(Files.readString(pub)));
        assertEquals("RSA key has 1024 bits: at least 2048 are required (or use ssh-ed25519)", e.getMessage());
    }

    @Test
    void typeOnTheLineMustMatchTheBlob() throws Exception {
        String[] parts = Files.readString(keygen("ed25519", 0, "c")).split(" ");
        MetaInvalidException e = assertThrows(MetaInvalidException.class,
                () -> OpenSshKeys.parse("ssh-rsa " + parts[1]));
        assertEquals("SSH key data does not match its type 'ssh-rsa'", e.getMessage());
    }

    @Test
    void garbageIsRefusedWithClearMessages() throws Exception {
        assertMessage("SSH key is empty: paste an OpenSSH public key line such as 'ssh-ed25519 AAAA... you@host'", "  ");
        assertMessage("SSH key is not in OpenSSH format: expected 'TYPE BASE64 [comment]'", "ssh-ed25519");
        assertMessage("SSH key type 'ssh-dss' is not supported: use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa",
                "ssh-dss AAAAB3NzaC1kc3MAAACBAP");
        assertMessage("SSH key data is not valid base64", "ssh-ed25519 !!!notbase64");
        assertMessage("SSH key looks like a PEM file (or a private key): paste the public key line from the .pub file",
                "-----BEGIN OPENSSH PRIVATE KEY-----");
        assertMessage("SSH key data is damaged (truncated or malformed)", "ssh-ed25519 AAAA");
        // right type, 31 key bytes
        assertMessage("SSH key data is not a valid ssh-ed25519 key",
                "ssh-ed25519 " + b64(blob("ssh-ed25519", new byte[31])));
        // trailing junk after a valid ed25519 blob
        byte[] good = Base64.getDecoder().decode(Files.readString(keygen("ed25519", 0, "c")).split(" ")[1]);
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 3);
        assertMessage("SSH key data has trailing bytes", "ssh-ed25519 " + b64(longer));
    }

    @Test
    void ecPointOffTheCurveIsRefused() throws Exception {
        byte[] q = new byte[65];
        q[0] = 4;
        q[32] = 1;
        q[64] = 1;
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bo);
        writeString(out, "ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII));
        writeString(out, "nistp256".getBytes(StandardCharsets.US_ASCII));
        writeString(out, q);
        assertMessage("SSH key data is not a point on secp256r1", "ecdsa-sha2-nistp256 " + b64(bo.toByteArray()));
    }

    @Test
    void fingerprintOfKnownBlob() {
        // sha256 of the empty input, as OpenSSH would print it (unpadded)
        assertEquals("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", OpenSshKeys.fingerprint(new byte[0]));
    }

    private static void assertMessage(String expected, String line) {
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> OpenSshKeys.parse(line));
        assertEquals(expected, e.getMessage());
    }

    private static byte[] blob(String type, byte[] key) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bo);
        writeString(out, type.getBytes(StandardCharsets.US_ASCII));
        writeString(out, key);
        return bo.toByteArray();
    }

    private static void writeString(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private Path keygen(String type, int bits, String comment) throws Exception {
        Path priv = Files.createTempFile(dir, "key", "");
        Files.delete(priv);
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment,
                "-f", priv.toString()));
        if (bits > 0) {
            cmd.addAll(List.of("-b", Integer.toString(bits)));
        }
        run(cmd);
        return Path.of(priv + ".pub");
    }

    private static String sshKeygenFingerprint(Path pub) throws Exception {
        // "256 SHA256:abc... comment (ED25519)"
        String out = run(List.of("ssh-keygen", "-lf", pub.toString()));
        return out.split(" ")[1];
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
