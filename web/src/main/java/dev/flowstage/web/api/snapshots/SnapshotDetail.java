package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot with its files (SPEC §5): JSON files as JSON (as text when they do not parse), README.md as
 * text. {@code flows_cred.json} is never shown: {@code credentials} says whether it is encrypted and which
 * node ids have credentials (known when the file is plain or the target's credentialSecret opens it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotDetail(String id, String name, String description, String author, Instant createdAt,
                             String source, List<String> tags, Map<String, JsonNode> files, Credentials credentials) {

    /** What a snapshot's credentials are, without their values. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credentials(boolean encrypted, List<String> nodes, String note) {}

    static SnapshotDetail of(SnapshotView view, Snapshot snapshot, String credentialSecret, ObjectMapper json) {
        Map<String, JsonNode> files = new LinkedHashMap<>();
        for (String name : snapshot.names()) {
            if (name.equals(SnapshotFiles.CREDENTIALS)) {
                continue;
            }
            String text = snapshot.text(name).orElseThrow();
            files.put(name, name.endsWith(".json") ? parse(json, text) : TextNode.valueOf(text));
        }
        Credentials credentials = snapshot.bytes(SnapshotFiles.CREDENTIALS)
                .map(file -> credentials(file, credentialSecret)).orElse(null);
        return new SnapshotDetail(view.id(), view.name(), view.description(), view.author(), view.createdAt(),
                view.source(), view.tags(), files, credentials);
    }

    private static JsonNode parse(ObjectMapper json, String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }

    private static Credentials credentials(byte[] file, String secret) {
        boolean encrypted;
        try {
            encrypted = NodeRedCredentials.isEncrypted(file);
            ObjectNode plain = NodeRedCredentials.read(file, secret);
            List<String> nodes = new ArrayList<>();
            plain.fieldNames().forEachRemaining(nodes::add);
            nodes.sort(null);
            return new Credentials(encrypted, nodes, null);
        } catch (CredentialsException e) {
            boolean enc = e.reason() != CredentialsException.Reason.MALFORMED;
            return new Credentials(enc, null, switch (e.reason()) {
                case NO_SECRET -> "encrypted; the target has no credentialSecret to read which nodes have credentials";
                case WRONG_SECRET -> "encrypted with a secret other than the target's credentialSecret";
                case MALFORMED -> e.getMessage();
            });
        }
    }
}
