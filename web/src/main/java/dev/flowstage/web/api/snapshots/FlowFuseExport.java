package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.web.api.ApiException;
import java.io.IOException;

/**
 * A snapshot in FlowFuse's snapshot format: {@code {name, description, flows: {flows, credentials},
 * settings: {settings, env, modules}}}, with the credentials re-encrypted under a secret the caller
 * chooses (Node-RED's {@code {"$": ...}} shape), so the file can be imported elsewhere with that secret.
 */
final class FlowFuseExport {
    private FlowFuseExport() {}

    /**
     * @param storedSecret the target's credentialSecret (null when it has none)
     * @param exportSecret the secret to encrypt the exported credentials with
     */
    static ObjectNode export(ObjectMapper json, SnapshotView view, Snapshot snapshot, String storedSecret,
            String exportSecret) {
        ObjectNode out = json.createObjectNode();
        out.put("name", view.name());
        out.put("description", view.description());
        ObjectNode flows = out.putObject("flows");
        flows.set("flows", read(json, snapshot, SnapshotFiles.FLOWS, json.createArrayNode()));
        flows.set("credentials", json.valueToTree(credentials(json, snapshot, storedSecret, exportSecret)));
        ObjectNode settings = out.putObject("settings");
        settings.set("settings", read(json, snapshot, SnapshotFiles.SETTINGS, json.createObjectNode()));
        settings.set("env", read(json, snapshot, SnapshotFiles.ENV, json.createObjectNode()));
        JsonNode dependencies = read(json, snapshot, SnapshotFiles.PACKAGE, json.createObjectNode()).get("dependencies");
        settings.set("modules", dependencies instanceof ObjectNode ? dependencies : json.createObjectNode());
        return out;
    }

    private static JsonNode credentials(ObjectMapper json, Snapshot snapshot, String storedSecret, String exportSecret) {
        ObjectNode plain = json.createObjectNode();
        byte[] file = snapshot.bytes(SnapshotFiles.CREDENTIALS).orElse(null);
        if (file != null) {
            try {
                plain = NodeRedCredentials.read(file, storedSecret);
            } catch (CredentialsException e) {
                throw switch (e.reason()) {
                    case NO_SECRET -> new ApiException(409, "credentials_unreadable", SnapshotFiles.CREDENTIALS
                            + " is encrypted and the target has no credentialSecret to decrypt it; set the target's"
                            + " credentialSecret before exporting");
                    case WRONG_SECRET -> new ApiException(409, "credentials_unreadable", SnapshotFiles.CREDENTIALS
                            + " of this snapshot was encrypted with a secret other than the target's credentialSecret");
                    case MALFORMED -> ApiException.invalid("invalid_snapshot", e.getMessage());
                };
            }
        }
        try {
            return json.readTree(NodeRedCredentials.encrypt(plain, exportSecret));
        } catch (IOException e) {
            throw new IllegalStateException("reading back encrypted credentials", e);
        }
    }

    private static JsonNode read(ObjectMapper json, Snapshot snapshot, String file, JsonNode fallback) {
        byte[] bytes = snapshot.bytes(file).orElse(null);
        if (bytes == null) {
            return fallback;
        }
        try {
            JsonNode node = json.readTree(bytes);
            return node == null || node.isMissingNode() ? fallback : node;
        } catch (IOException e) {
            throw ApiException.invalid("invalid_snapshot", file + " of this snapshot is not valid JSON, so it cannot"
                    + " be exported");
        }
    }
}
