package dev.flowstage.hooks.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A FlowFuse snapshot file read into an instance's next snapshot, and what is not one. */
class FlowFuseSnapshotFileTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSyntaxErrorIsNamedWithLineAndColumn() {
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> FlowFuseSnapshotFile.read("snap.json",
                bytes("{\n    \"flows\": {\n        \"flows\": [}\n}\n"), Snapshot.EMPTY, "line", null));
        assertEquals(RemoteFailure.Reason.NOT_A_SNAPSHOT, f.reason());
        assertEquals("not a snapshot: snap.json: line 3, column 19: Unexpected close marker '}': expected ']'",
                f.getMessage());
    }

    @Test
    void aJsonFileOfAnotherShapeIsNotASnapshot() {
        RemoteFailure f = assertThrows(RemoteFailure.class, () -> FlowFuseSnapshotFile.read("package.json",
                bytes("{\"name\": \"x\"}"), Snapshot.EMPTY, "line", null));
        assertEquals("not a snapshot: package.json: 'flows.flows' must be an array of nodes", f.getMessage());
    }

    @Test
    void plainCredentialsAreEncryptedForTheInstanceAndEncryptedOnesKept() throws Exception {
        String plain = "{\"flows\": {\"flows\": [{\"id\": \"a\", \"type\": \"mqtt-broker\"}],"
                + " \"credentials\": {\"a\": {\"user\": \"u\", \"password\": \"p\"}}}}";
        Snapshot s = FlowFuseSnapshotFile.read("s.json", bytes(plain), Snapshot.EMPTY, "line", "line-secret");
        byte[] cred = s.bytes("flows_cred.json").orElseThrow();
        assertTrue(NodeRedCredentials.isEncrypted(cred));
        assertEquals("p", NodeRedCredentials.decrypt(cred, "line-secret").path("a").path("password").asText());

        RemoteFailure noSecret = assertThrows(RemoteFailure.class, () -> FlowFuseSnapshotFile.read("s.json", bytes(plain),
                Snapshot.EMPTY, "line", null));
        assertTrue(noSecret.getMessage().contains("has no credentialSecret"), noSecret.getMessage());

        String encrypted = "{\"flows\": {\"flows\": [], \"credentials\": "
                + new String(cred, StandardCharsets.UTF_8) + "}}";
        Snapshot kept = FlowFuseSnapshotFile.read("s.json", bytes(encrypted), Snapshot.EMPTY, "line", null);
        assertEquals("p", NodeRedCredentials.decrypt(kept.bytes("flows_cred.json").orElseThrow(), "line-secret")
                .path("a").path("password").asText());
    }
}
