package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;

/**
 * The flows array a full deployment posts to Node-RED: the snapshot's nodes, each node that has
 * credentials in {@code flows_cred.json} carrying them, decrypted, as its {@code credentials} property
 * (the only way Node-RED's Admin API accepts credentials).
 */
final class DeployPayload {
    private DeployPayload() {}

    /**
     * @param credentialSecret the instance's credentialSecret, or null when it has none
     * @throws CredentialsException when flows_cred.json is encrypted and the secret is missing or wrong
     * @throws IllegalArgumentException when flows.json is not an array of nodes
     */
    static ArrayNode build(ObjectMapper json, Snapshot snapshot, String credentialSecret) {
        ArrayNode flows = flows(json, snapshot);
        byte[] credFile = snapshot.bytes(SnapshotFiles.CREDENTIALS).orElse(null);
        if (credFile == null) {
            return flows;
        }
        ObjectNode credentials = NodeRedCredentials.read(credFile, credentialSecret);
        for (JsonNode node : flows) {
            if (node instanceof ObjectNode n && n.path("id").isTextual()) {
                JsonNode c = credentials.get(n.get("id").asText());
                if (c instanceof ObjectNode values && !values.isEmpty()) {
                    n.set("credentials", values);
                }
            }
        }
        return flows;
    }

    /** The snapshot's flows.json as an array (empty when it has none). */
    static ArrayNode flows(ObjectMapper json, Snapshot snapshot) {
        byte[] file = snapshot.bytes(SnapshotFiles.FLOWS).orElse(null);
        if (file == null) {
            return json.createArrayNode();
        }
        try {
            if (json.readTree(file) instanceof ArrayNode array) {
                return array;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalArgumentException(SnapshotFiles.FLOWS + " is not a JSON array of nodes");
    }

    /** The nodes with any {@code credentials} property removed (Node-RED never stores them in flows.json). */
    static ArrayNode withoutCredentials(ArrayNode flows) {
        ArrayNode copy = flows.deepCopy();
        for (JsonNode node : copy) {
            if (node instanceof ObjectNode n) {
                n.remove("credentials");
            }
        }
        return copy;
    }

    /** Whether two flows arrays hold the same nodes in the same order with the same properties. */
    static boolean sameFlows(ArrayNode a, ArrayNode b) {
        return a.equals(b);
    }

}
