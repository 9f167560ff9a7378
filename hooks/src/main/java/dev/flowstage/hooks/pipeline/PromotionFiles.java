package dev.flowstage.hooks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import java.io.IOException;
import java.util.Iterator;

/**
 * The two files of a promotion that are not plain copies (SPEC §3.2): {@code env.json} keys-only and
 * {@code flows_cred.json} re-encrypted for the target.
 */
final class PromotionFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromotionFiles() {}

    /**
     * The source's keys, in the source's order, with the target's values; keys new to the target get "".
     * Null when the source has no env.json.
     */
    static byte[] env(byte[] source, byte[] target) {
        if (source == null) {
            return null;
        }
        ObjectNode from = object("source", source);
        ObjectNode values = target == null ? JSON.createObjectNode() : object("target", target);
        ObjectNode out = MetaJson.object();
        for (Iterator<String> keys = from.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            JsonNode kept = values.get(key);
            out.put(key, kept != null && kept.isTextual() ? kept.asText() : "");
        }
        return MetaJson.write(out);
    }

    /**
     * The source's credentials for the target: re-encrypted when both secrets are known, else copied.
     * When the target already holds the same credentials its file is reused, so an unchanged promotion
     * does not rewrite the file with a new IV. Null when the source has none.
     */
    static byte[] credentials(byte[] source, String sourceSecret, byte[] target, String targetSecret) {
        if (source == null) {
            return null;
        }
        if (sourceSecret == null || targetSecret == null) {
            return source;
        }
        ObjectNode plain;
        try {
            plain = NodeRedCredentials.read(source, sourceSecret);
        } catch (CredentialsException e) {
            throw new MetaInvalidException("the source's flows_cred.json cannot be read with its credential secret: "
                    + e.getMessage());
        }
        if (target != null) {
            try {
                if (plain.equals(NodeRedCredentials.read(target, targetSecret))) {
                    return target;
                }
            } catch (CredentialsException e) {
                // the target's file is not readable with its secret: it is replaced below
            }
        }
        return NodeRedCredentials.encrypt(plain, targetSecret);
    }

    private static ObjectNode object(String side, byte[] content) {
        try {
            JsonNode n = JSON.readTree(content);
            if (n != null && n.isObject()) {
                return (ObjectNode) n;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new MetaInvalidException("the " + side + "'s env.json is not a JSON object");
    }
}
