package dev.flowstage.storage.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The file {@code reviews/ID.json}; the team is the repository's, so it is not written. Each approval is
 * {@code {"user", "at", "comment"?}}; the comment is left out when there is none.
 */
final class ReviewJson {
    private ReviewJson() {}

    static byte[] format(Review r) {
        ObjectNode n = MetaJson.object();
        n.put("id", r.id());
        n.put("target", r.target());
        n.put("state", r.state().json());
        n.put("candidate", r.candidate());
        MetaJson.put(n, "base", r.base());
        MetaJson.put(n, "author", r.author());
        MetaJson.put(n, "title", r.title());
        MetaJson.put(n, "createdAt", r.createdAt());
        MetaJson.put(n, "updatedAt", r.updatedAt());
        n.put("requiredApprovals", r.requiredApprovals());
        ArrayNode approvals = n.putArray("approvals");
        for (Approval a : r.approvals()) {
            ObjectNode o = approvals.addObject();
            o.put("user", a.user());
            MetaJson.put(o, "at", a.at());
            MetaJson.put(o, "comment", a.comment());
        }
        MetaJson.put(n, "runId", r.runId());
        MetaJson.put(n, "comment", r.comment());
        MetaJson.put(n, "mergedCommit", r.mergedCommit());
        return MetaJson.write(n);
    }

    static Review parse(String team, String id, String path, byte[] content) {
        ObjectNode n = MetaJson.readObject(path, content);
        Long fileId = MetaJson.number(path, n, "id");
        if (fileId == null || !Long.toString(fileId).equals(id)) {
            throw new MetaInvalidException(path + ": 'id' must be " + id);
        }
        String stateText = MetaJson.requiredText(path, n, "state");
        ReviewState state = ReviewState.fromJson(stateText);
        if (state == null) {
            throw new MetaInvalidException(path + ": unknown state '" + stateText + "'");
        }
        Long required = MetaJson.number(path, n, "requiredApprovals");
        List<Approval> approvals = new ArrayList<>();
        JsonNode list = n.get("approvals");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new MetaInvalidException(path + ": 'approvals' must be a list");
            }
            for (JsonNode a : list) {
                if (!a.isObject()) {
                    throw new MetaInvalidException(path + ": each approval must be an object");
                }
                // files written before approvals had comments have none: read as null
                approvals.add(new Approval(MetaJson.requiredText(path, a, "user"), required(path, a, "at"),
                        MetaJson.text(path, a, "comment")));
            }
        }
        return new Review(fileId, team, MetaJson.requiredText(path, n, "target"), state,
                MetaJson.requiredText(path, n, "candidate"), MetaJson.text(path, n, "base"),
                MetaJson.text(path, n, "author"), MetaJson.text(path, n, "title"), required(path, n, "createdAt"),
                required(path, n, "updatedAt"), approvals, required == null ? 1 : Math.toIntExact(required),
                MetaJson.text(path, n, "runId"), MetaJson.text(path, n, "comment"),
                MetaJson.text(path, n, "mergedCommit"));
    }

    private static Instant required(String path, JsonNode n, String field) {
        Instant at = MetaJson.instant(path, n, field);
        if (at == null) {
            throw new MetaInvalidException(path + ": '" + field + "' is required");
        }
        return at;
    }
}
