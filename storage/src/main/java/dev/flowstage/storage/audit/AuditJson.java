package dev.flowstage.storage.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The file {@code entries/SHARD/ID.json} of an audit ref. */
final class AuditJson {
    private AuditJson() {}

    static byte[] format(AuditEntry e) {
        ObjectNode n = MetaJson.object();
        n.put("id", e.id());
        MetaJson.put(n, "time", e.time());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("target", e.target());
        ObjectNode details = n.putObject("details");
        e.details().forEach(details::put);
        return MetaJson.write(n);
    }

    static AuditEntry parse(String scope, String id, String path, byte[] content) {
        ObjectNode n = MetaJson.readObject(path, content);
        if (!id.equals(MetaJson.text(path, n, "id"))) {
            throw new MetaInvalidException(path + ": 'id' must be \"" + id + "\"");
        }
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode d = n.get("details");
        if (d != null && d.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                details.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
            }
        }
        return new AuditEntry(id, MetaJson.instant(path, n, "time"), MetaJson.text(path, n, "actor"),
                MetaJson.requiredText(path, n, "action"), MetaJson.text(path, n, "target"), details);
    }
}
