package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.nodered.NodeRedJson;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.web.api.ApiException;
import java.io.IOException;

/**
 * Turns a FlowFuse-format snapshot ({@code {name, description, flows: {flows, credentials}, settings:
 * {settings, env, modules}}}) into the next snapshot of a target: credentials decrypted with the secret
 * the file was exported with and re-encrypted for the target's own credentialSecret; settings, env and
 * modules replace the target's when present, README.md is kept. Nothing is written here.
 */
final class FlowFuseImport {
    private static final ObjectWriter WRITER = NodeRedJson.flowsWriter();

    private FlowFuseImport() {}

    /** The snapshot's name: its {@code name}, or a default when it has none. */
    static String name(JsonNode file) {
        String name = file.path("name").isTextual() ? file.get("name").asText().strip() : "";
        return name.isEmpty() ? "Imported snapshot" : name;
    }

    static String description(JsonNode file) {
        return file.path("description").isTextual() ? file.get("description").asText() : "";
    }

    /**
     * @param current the target's snapshot at main (EMPTY when it has none)
     * @param secret the secret the file's credentials are encrypted with (may be null when it has none)
     * @param targetSecret the target's credentialSecret, or null
     */
    static Snapshot toSnapshot(ObjectMapper json, JsonNode file, String secret, Snapshot current, String targetName,
            String targetSecret) {
        if (!(file instanceof ObjectNode)) {
            throw ApiException.invalid("invalid_snapshot", "'snapshot' must be a FlowFuse snapshot object");
        }
        JsonNode flows = file.path("flows").path("flows");
        if (!(flows instanceof ArrayNode)) {
            throw ApiException.invalid("invalid_snapshot", "snapshot.flows.flows must be an array of nodes");
        }
        ObjectNode credentials = credentials(json, file.path("flows").get("credentials"), secret);
        Snapshot next = current.with(SnapshotFiles.FLOWS, write(flows)).without(SnapshotFiles.CREDENTIALS);
        if (!credentials.isEmpty()) {
            if (targetSecret == null) {
                throw ApiException.invalid("no_credential_secret", "the snapshot has credentials but instance '"
                        + targetName + "' has no credentialSecret to store them encrypted: set its credentialSecret"
                        + " first; nothing was imported");
            }
            next = next.with(SnapshotFiles.CREDENTIALS, NodeRedCredentials.encrypt(credentials, targetSecret));
        }
        JsonNode settings = file.path("settings");
        if (settings.has("settings") && !settings.get("settings").isNull()) {
            next = next.with(SnapshotFiles.SETTINGS, write(settings.get("settings")));
        }
        if (settings.has("env") && !settings.get("env").isNull()) {
            next = next.with(SnapshotFiles.ENV, write(settings.get("env")));
        }
        if (settings.get("modules") instanceof ObjectNode modules) {
            next = next.with(SnapshotFiles.PACKAGE, write(packageJson(json, current, targetName, modules)));
        }
        return next;
    }

    private static ObjectNode credentials(ObjectMapper json, JsonNode given, String secret) {
        if (given == null || given.isNull() || (given.isObject() && given.isEmpty())) {
            return json.createObjectNode();
        }
        if (!given.isObject()) {
            throw ApiException.invalid("invalid_snapshot", "snapshot.flows.credentials must be an object");
        }
        byte[] file = bytes(json, given);
        try {
            if (!NodeRedCredentials.isEncrypted(file)) {
                return (ObjectNode) given;
            }
            if (secret == null || secret.isEmpty()) {
                throw ApiException.invalid("missing_field", "field 'secret' is required: the snapshot's credentials"
                        + " are encrypted with the secret it was exported with");
            }
            return NodeRedCredentials.decrypt(file, secret);
        } catch (CredentialsException e) {
            if (e.reason() == CredentialsException.Reason.WRONG_SECRET) {
                throw ApiException.invalid("invalid_secret", "the secret does not decrypt the snapshot's credentials:"
                        + " give the secret it was exported with; nothing was imported");
            }
            throw ApiException.invalid("invalid_snapshot", "snapshot.flows.credentials: " + e.getMessage());
        }
    }

    private static ObjectNode packageJson(ObjectMapper json, Snapshot current, String targetName, ObjectNode modules) {
        ObjectNode pkg = null;
        byte[] existing = current.bytes(SnapshotFiles.PACKAGE).orElse(null);
        if (existing != null) {
            try {
                pkg = json.readTree(existing) instanceof ObjectNode o ? o : null;
            } catch (IOException e) {
                pkg = null; // replaced below
            }
        }
        if (pkg == null) {
            pkg = json.createObjectNode();
            pkg.put("name", targetName);
            pkg.put("version", "0.0.1");
            pkg.put("private", true);
        }
        pkg.set("dependencies", modules);
        return pkg;
    }

    private static byte[] bytes(ObjectMapper json, JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing JSON", e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing JSON", e);
        }
    }
}
