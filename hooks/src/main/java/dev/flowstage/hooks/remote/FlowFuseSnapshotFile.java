package dev.flowstage.hooks.remote;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.nodered.NodeRedJson;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;

/**
 * A FlowFuse snapshot file ({@code {name, description, flows: {flows, credentials}, settings: {settings, env,
 * modules}}}, as FlowFuse writes and reads it) turned into the next snapshot of a target: flows replace the
 * target's; credentials already encrypted ({@code {"$": …}}) are kept as they are (they open with the secret
 * they were written with), plain ones are encrypted with the target's credentialSecret; env, settings and
 * modules replace the target's when the file has them.
 */
public final class FlowFuseSnapshotFile {
    private FlowFuseSnapshotFile() {}

    /**
     * @param file the path of the file in the remote repository, named in problems
     * @throws RemoteFailure NOT_A_SNAPSHOT naming the file (and line and column for JSON syntax errors)
     */
    public static Snapshot read(String file, byte[] content, Snapshot current, String targetName, String targetSecret)
            throws RemoteFailure {
        JsonNode root;
        try {
            root = NodeRedJson.MAPPER.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw notSnapshot(file + (at == null ? "" : ": line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + brief(e.getOriginalMessage()));
        } catch (IOException e) {
            throw notSnapshot(file + ": unreadable");
        }
        if (!(root instanceof ObjectNode)) {
            throw notSnapshot(file + ": a FlowFuse snapshot is a JSON object with 'flows' and 'settings'");
        }
        JsonNode flows = root.path("flows").path("flows");
        if (!(flows instanceof ArrayNode)) {
            throw notSnapshot(file + ": 'flows.flows' must be an array of nodes");
        }
        Snapshot next = current.with(SnapshotFiles.FLOWS, write(flows)).without(SnapshotFiles.CREDENTIALS);
        JsonNode creds = root.path("flows").get("credentials");
        if (creds != null && !creds.isNull() && !(creds.isObject() && creds.isEmpty())) {
            if (!creds.isObject()) {
                throw notSnapshot(file + ": 'flows.credentials' must be an object");
            }
            byte[] raw = write(creds);
            if (NodeRedCredentials.isEncrypted(raw)) {
                next = next.with(SnapshotFiles.CREDENTIALS, raw);
            } else if (targetSecret != null) {
                next = next.with(SnapshotFiles.CREDENTIALS, NodeRedCredentials.encrypt((ObjectNode) creds, targetSecret));
            } else {
                throw notSnapshot(file + ": 'flows.credentials' are in plain text and instance '" + targetName
                        + "' has no credentialSecret to encrypt them with");
            }
        }
        JsonNode settings = root.path("settings");
        if (settings.get("settings") instanceof ObjectNode s) {
            next = next.with(SnapshotFiles.SETTINGS, write(s));
        }
        if (settings.get("env") instanceof ObjectNode env) {
            next = next.with(SnapshotFiles.ENV, write(env));
        }
        if (settings.get("modules") instanceof ObjectNode modules) {
            next = next.with(SnapshotFiles.PACKAGE, write(packageJson(current, targetName, modules)));
        }
        return next;
    }

    private static ObjectNode packageJson(Snapshot current, String targetName, ObjectNode modules) {
        ObjectNode pkg = null;
        byte[] existing = current.bytes(SnapshotFiles.PACKAGE).orElse(null);
        if (existing != null) {
            try {
                pkg = NodeRedJson.MAPPER.readTree(existing) instanceof ObjectNode o ? o : null;
            } catch (IOException e) {
                pkg = null;
            }
        }
        if (pkg == null) {
            pkg = NodeRedJson.MAPPER.createObjectNode();
            pkg.put("name", targetName);
            pkg.put("version", "0.0.1");
            pkg.put("private", true);
        }
        pkg.set("dependencies", modules);
        return pkg;
    }

    /** Jackson's message without its parser-internal tail ("(for Array starting at [Source: …])"). */
    private static String brief(String message) {
        String m = message == null ? "invalid JSON" : message;
        int cut = m.indexOf(" (for ");
        m = cut < 0 ? m : m.substring(0, cut);
        cut = m.indexOf('\n');
        return cut < 0 ? m : m.substring(0, cut);
    }

    static RemoteFailure notSnapshot(String detail) {
        return new RemoteFailure(RemoteFailure.Reason.NOT_A_SNAPSHOT, detail);
    }

    private static byte[] write(JsonNode node) {
        try {
            return NodeRedJson.flowsWriter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
