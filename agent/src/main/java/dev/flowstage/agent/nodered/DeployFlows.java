package dev.flowstage.agent.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.agent.AgentException;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;

/**
 * The flows array a full deploy posts to Node-RED: the snapshot's flows.json, each node with credentials
 * in flows_cred.json carrying them, decrypted with the device's credentialSecret, as its
 * {@code credentials} property (how Node-RED's editor sends credentials, and the only way its Admin API
 * takes them).
 */
public final class DeployFlows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployFlows() {}

    /**
     * @param credentialSecret the device's credentialSecret (may be null when flows_cred.json is plain or absent)
     * @throws AgentException when flows.json is missing or not an array, or the credentials cannot be decrypted
     */
    public static ArrayNode build(Snapshot snapshot, String credentialSecret) {
        ArrayNode flows = flows(snapshot);
        byte[] credFile = snapshot.bytes(SnapshotFiles.CREDENTIALS).orElse(null);
        if (credFile == null) {
            return flows;
        }
        ObjectNode credentials;
        try {
            credentials = NodeRedCredentials.read(credFile, credentialSecret);
        } catch (CredentialsException e) {
            throw new AgentException(e.getMessage());
        }
        for (JsonNode node : flows) {
            if (node instanceof ObjectNode n && n.path("id").isTextual()
                    && credentials.get(n.get("id").asText()) instanceof ObjectNode values && !values.isEmpty()) {
                n.set("credentials", values);
            }
        }
        return flows;
    }

    /** The snapshot's flows.json as an array. */
    public static ArrayNode flows(Snapshot snapshot) {
        byte[] file = snapshot.bytes(SnapshotFiles.FLOWS).orElseThrow(() ->
                new AgentException("the snapshot has no " + SnapshotFiles.FLOWS));
        try {
            if (JSON.readTree(file) instanceof ArrayNode array) {
                return array;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new AgentException("the snapshot's " + SnapshotFiles.FLOWS + " is not a JSON array of nodes");
    }
}
