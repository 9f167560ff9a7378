package dev.flowstage.hooks.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.nodered.NodeRedJson;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot written as a FlowFuse snapshot file, the format {@link FlowFuseSnapshotFile} reads and FlowFuse
 * imports: {@code {name, description, flows: {flows, credentials}, settings: {settings, env, modules}}},
 * 4-space pretty-printed with a final newline. Credentials go in as the snapshot stores them, encrypted
 * ({@code {"$": …}}) with the credentialSecret of the instance they come from; plain ones are encrypted with
 * that secret first.
 */
public final class FlowFuseSnapshotWriter {
    private FlowFuseSnapshotWriter() {}

    /**
     * @param sourceSecret the credentialSecret of the instance the snapshot comes from (null: it has none)
     * @throws MetaInvalidException when a file of the snapshot is not valid JSON, or credentials are in plain
     *     text and there is no secret to encrypt them with
     */
    public static byte[] write(String name, String description, Snapshot snapshot, String sourceSecret) {
        ObjectNode out = NodeRedJson.MAPPER.createObjectNode();
        out.put("name", name);
        out.put("description", description);
        ObjectNode flows = out.putObject("flows");
        flows.set("flows", read(snapshot, SnapshotFiles.FLOWS, NodeRedJson.MAPPER.createArrayNode()));
        flows.set("credentials", credentials(snapshot, sourceSecret));
        ObjectNode settings = out.putObject("settings");
        settings.set("settings", read(snapshot, SnapshotFiles.SETTINGS, NodeRedJson.MAPPER.createObjectNode()));
        settings.set("env", read(snapshot, SnapshotFiles.ENV, NodeRedJson.MAPPER.createObjectNode()));
        JsonNode deps = read(snapshot, SnapshotFiles.PACKAGE, NodeRedJson.MAPPER.createObjectNode()).get("dependencies");
        settings.set("modules", deps instanceof ObjectNode ? deps : NodeRedJson.MAPPER.createObjectNode());
        try {
            String text = NodeRedJson.flowsWriter().writeValueAsString(out) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode credentials(Snapshot snapshot, String secret) {
        byte[] file = snapshot.bytes(SnapshotFiles.CREDENTIALS).orElse(null);
        if (file == null) {
            return NodeRedJson.MAPPER.createObjectNode();
        }
        if (!NodeRedCredentials.isEncrypted(file)) {
            JsonNode plain = read(snapshot, SnapshotFiles.CREDENTIALS, NodeRedJson.MAPPER.createObjectNode());
            if (!(plain instanceof ObjectNode o) || o.isEmpty()) {
                return NodeRedJson.MAPPER.createObjectNode();
            }
            if (secret == null) {
                throw new MetaInvalidException(SnapshotFiles.CREDENTIALS + " holds credentials in plain text and the"
                        + " source has no credentialSecret: they are never written unencrypted to a Git repository");
            }
            file = NodeRedCredentials.encrypt(o, secret);
        }
        try {
            return NodeRedJson.MAPPER.readTree(file);
        } catch (IOException e) {
            throw new MetaInvalidException(SnapshotFiles.CREDENTIALS + " of the snapshot is not valid JSON");
        }
    }

    private static JsonNode read(Snapshot snapshot, String file, JsonNode fallback) {
        byte[] bytes = snapshot.bytes(file).orElse(null);
        if (bytes == null) {
            return fallback;
        }
        try {
            JsonNode node = NodeRedJson.MAPPER.readTree(bytes);
            return node == null || node.isMissingNode() ? fallback : node;
        } catch (IOException e) {
            throw new MetaInvalidException(file + " of the snapshot is not valid JSON, so it cannot be written as a"
                    + " FlowFuse snapshot");
        }
    }
}
