package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves {@link NodeRedCredentials} against a real Node-RED 5 installed from npm, in both directions. */
class NodeRedCredentialsCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "a credential secret ✓ with spaces";
    private static final String BROKER_FLOWS = """
            [{"id":"b1a2c3d4e5f60718","type":"mqtt-broker","name":"broker","broker":"localhost","port":"1883"}]
            """;

    @TempDir
    Path dir;

    @Test
    void decryptsTheCredentialsFileNodeRedWrites() throws Exception {
        Path userDir = dir.resolve("nr");
        try (NodeRedRunner nodeRed = NodeRedRunner.start(userDir, js(SECRET))) {
            String flows = """
                    [{"id":"b1a2c3d4e5f60718","type":"mqtt-broker","name":"broker","broker":"localhost","port":"1883",
                      "credentials":{"user":"alice","password":"pä$$ \\"w0rd\\""}}]
                    """;
            HttpResponse<String> deployed = nodeRed.deploy(flows);
            assertEquals(204, deployed.statusCode(), deployed.body());
        }
        byte[] written = Files.readAllBytes(userDir.resolve("flows_cred.json"));
        assertTrue(NodeRedCredentials.isEncrypted(written), new String(written));

        ObjectNode creds = NodeRedCredentials.decrypt(written, SECRET);
        assertEquals("alice", creds.at("/b1a2c3d4e5f60718/user").textValue());
        assertEquals("pä$$ \"w0rd\"", creds.at("/b1a2c3d4e5f60718/password").textValue());

        CredentialsException wrong = org.junit.jupiter.api.Assertions.assertThrows(CredentialsException.class,
                () -> NodeRedCredentials.decrypt(written, SECRET + "x"));
        assertEquals(CredentialsException.Reason.WRONG_SECRET, wrong.reason());
    }

    @Test
    void nodeRedDecryptsTheCredentialsFileWeWrite() throws Exception {
        Path userDir = writeUserDir("ours", SECRET);
        try (NodeRedRunner nodeRed = NodeRedRunner.start(userDir, js(SECRET))) {
            JsonNode creds = brokerCredentials(nodeRed);
            assertEquals("alice", creds.path("user").textValue(), creds.toString());
            assertTrue(creds.path("has_password").booleanValue(), creds.toString());
            assertFalse(nodeRed.log().contains("Failed to decrypt credentials"), nodeRed.log());
        }
    }

    @Test
    void nodeRedRefusesOurFileUnderAnotherSecret() throws Exception {
        // The negative of the test above: shows the Admin API check really depends on decryption.
        Path userDir = writeUserDir("other", "not the secret Node-RED has");
        try (NodeRedRunner nodeRed = NodeRedRunner.start(userDir, js(SECRET))) {
            JsonNode creds = brokerCredentials(nodeRed);
            assertFalse(creds.path("has_password").asBoolean(false), creds.toString());
            assertTrue(nodeRed.log().contains("Failed to decrypt credentials"), nodeRed.log());
        }
    }

    @Test
    void plainCredentialsWrittenByNodeRedPassThrough() throws Exception {
        Path userDir = dir.resolve("plain");
        try (NodeRedRunner nodeRed = NodeRedRunner.start(userDir, "false")) {
            String flows = BROKER_FLOWS.replace("\"port\":\"1883\"",
                    "\"port\":\"1883\",\"credentials\":{\"user\":\"carol\",\"password\":\"pw\"}");
            assertEquals(204, nodeRed.deploy(flows).statusCode());
        }
        byte[] written = Files.readAllBytes(userDir.resolve("flows_cred.json"));
        assertFalse(NodeRedCredentials.isEncrypted(written), new String(written));
        ObjectNode creds = NodeRedCredentials.read(written, null);
        assertEquals("carol", creds.at("/b1a2c3d4e5f60718/user").textValue());
        assertEquals(java.util.List.of(), new SnapshotValidator().validate(SnapshotFiles.CREDENTIALS, written));
    }

    private Path writeUserDir(String name, String secret) throws Exception {
        Path userDir = dir.resolve(name);
        Files.createDirectories(userDir);
        Files.writeString(userDir.resolve("flows.json"), BROKER_FLOWS);
        ObjectNode creds = JSON.createObjectNode();
        creds.putObject("b1a2c3d4e5f60718").put("user", "alice").put("password", "s3cr3t-pw");
        Files.write(userDir.resolve("flows_cred.json"), NodeRedCredentials.encrypt(creds, secret));
        return userDir;
    }

    private static JsonNode brokerCredentials(NodeRedRunner nodeRed) throws Exception {
        HttpResponse<String> r = nodeRed.get("/credentials/mqtt-broker/b1a2c3d4e5f60718");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** The secret as a JavaScript string literal for settings.js. */
    private static String js(String secret) throws Exception {
        return JSON.writeValueAsString(secret);
    }
}
