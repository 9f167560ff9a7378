package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NodeRedCredentialsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Written by Node.js's own crypto exactly as credentials.js does it, with a fixed IV. */
    private static final String FROM_NODE = "{\"$\":\"000102030405060708090a0b0c0d0e0f3YI/KxzRINVbBG9+pesiPvLjsNS2Ljw"
            + "DnM1BsRyjoH5V1+q4ckIVQQe6Lt25Eu5dpaHGi6GCXIyHi/yogriQs8ZjrKP/PykEew==\"}";
    private static final String FROM_NODE_SECRET = "correct horse ✓";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode creds() {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("a1b2c3").put("user", "alice").put("password", "pä$$ \"q\"");
        c.putObject("n2").put("token", "t0k");
        return c;
    }

    @Test
    void decryptsWhatNodeJsEncrypted() {
        assertEquals(creds(), NodeRedCredentials.decrypt(bytes(FROM_NODE), FROM_NODE_SECRET));
    }

    @Test
    void roundTripsWithAFreshIvEachTime() throws Exception {
        byte[] a = NodeRedCredentials.encrypt(creds(), "s3cret");
        byte[] b = NodeRedCredentials.encrypt(creds(), "s3cret");
        assertNotEquals(new String(a, StandardCharsets.UTF_8), new String(b, StandardCharsets.UTF_8));
        assertEquals(creds(), NodeRedCredentials.decrypt(a, "s3cret"));
        assertEquals(creds(), NodeRedCredentials.decrypt(b, "s3cret"));
        JsonNode file = JSON.readTree(a);
        assertEquals(1, file.size());
        String dollar = file.get("$").textValue();
        assertTrue(dollar.substring(0, 32).matches("[0-9a-f]{32}"), dollar);
        assertTrue(NodeRedCredentials.isEncrypted(a));
        assertFalse(new String(a, StandardCharsets.UTF_8).contains("alice"));
    }

    @Test
    void emptyCredentialsRoundTrip() {
        byte[] file = NodeRedCredentials.encrypt(JSON.createObjectNode(), "x");
        assertEquals(JSON.createObjectNode(), NodeRedCredentials.decrypt(file, "x"));
    }

    @Test
    void wrongSecretIsAClearErrorWithoutSecrets() {
        byte[] file = NodeRedCredentials.encrypt(creds(), "right-secret");
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> NodeRedCredentials.decrypt(file, "wrong-secret"));
        assertEquals(CredentialsException.Reason.WRONG_SECRET, e.reason());
        assertEquals("flows_cred.json cannot be decrypted with this credential secret (the result is not JSON): "
                + "it was encrypted with a different secret", e.getMessage());
        assertFalse(e.getMessage().contains("secret-"));
        assertFalse(e.getMessage().contains("alice"));
    }

    @Test
    void plainCredentialsPassThrough() {
        byte[] plain = bytes("{\"n1\":{\"user\":\"bob\"}}");
        assertFalse(NodeRedCredentials.isEncrypted(plain));
        ObjectNode read = NodeRedCredentials.read(plain, null);
        assertEquals("bob", read.at("/n1/user").textValue());
        assertEquals(read, NodeRedCredentials.read(plain, "any"));
        // "$" next to other properties is not Node-RED's encrypted shape either
        assertFalse(NodeRedCredentials.isEncrypted(bytes("{\"$\":\"00\",\"n1\":{}}")));
        assertFalse(NodeRedCredentials.isEncrypted(bytes("{}")));
    }

    @Test
    void readDecryptsEncryptedFilesAndNeedsTheSecret() {
        byte[] file = NodeRedCredentials.encrypt(creds(), "k");
        assertEquals(creds(), NodeRedCredentials.read(file, "k"));
        CredentialsException e = assertThrows(CredentialsException.class, () -> NodeRedCredentials.read(file, null));
        assertEquals(CredentialsException.Reason.NO_SECRET, e.reason());
        assertEquals("flows_cred.json is encrypted, but no credential secret is known to decrypt it", e.getMessage());
    }

    @Test
    void reencryptMovesCredentialsToAnotherSecret() {
        byte[] dev = NodeRedCredentials.encrypt(creds(), "dev");
        byte[] prod = NodeRedCredentials.reencrypt(dev, "dev", "prod");
        assertEquals(creds(), NodeRedCredentials.decrypt(prod, "prod"));
        assertThrows(CredentialsException.class, () -> NodeRedCredentials.decrypt(prod, "dev"));
        byte[] fromPlain = NodeRedCredentials.reencrypt(bytes("{\"n\":{\"p\":\"x\"}}"), null, "prod");
        assertEquals("x", NodeRedCredentials.decrypt(fromPlain, "prod").at("/n/p").textValue());
    }

    @Test
    void malformedFilesAreNamed() {
        assertMalformed("flows_cred.json is not valid JSON", "{");
        assertMalformed("flows_cred.json must be a JSON object, found array", "[]");
        assertMalformed("flows_cred.json is not encrypted: expected an object with the one property \"$\"",
                "{\"n1\":{}}");
        assertMalformed("flows_cred.json: \"$\" is not 32 hex digits of IV followed by base64", "{\"$\":\"xyz\"}");
        assertMalformed("flows_cred.json: \"$\" does not hold valid base64 after the IV",
                "{\"$\":\"000102030405060708090a0b0c0d0e0fabc=def\"}");
    }

    private static void assertMalformed(String message, String file) {
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> NodeRedCredentials.decrypt(bytes(file), "s"));
        assertEquals(CredentialsException.Reason.MALFORMED, e.reason());
        assertEquals(message, e.getMessage());
    }

    @Test
    void looksEncryptedChecksIvAndAlphabet() {
        assertTrue(NodeRedCredentials.looksEncrypted("000102030405060708090a0b0c0d0e0f"));
        assertTrue(NodeRedCredentials.looksEncrypted("000102030405060708090A0B0C0D0E0Fab+/="));
        assertFalse(NodeRedCredentials.looksEncrypted("00010203"));
        assertFalse(NodeRedCredentials.looksEncrypted("g00102030405060708090a0b0c0d0e0f"));
        assertFalse(NodeRedCredentials.looksEncrypted("000102030405060708090a0b0c0d0e0f{}"));
    }

    @Test
    void numbersSurviveUnchanged() {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("n").put("port", 1.50).put("n", 7);
        ObjectNode back = NodeRedCredentials.decrypt(NodeRedCredentials.encrypt(c, "s"), "s");
        assertEquals("1.5", back.at("/n/port").asText());
        assertEquals(7, back.at("/n/n").intValue());
    }
}
