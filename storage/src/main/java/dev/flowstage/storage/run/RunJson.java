package dev.flowstage.storage.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The file {@code runs/SHARD/ID.json}; the team is the repository's, so it is not written. */
final class RunJson {
    private RunJson() {}

    static byte[] format(Run r) {
        ObjectNode n = MetaJson.object();
        n.put("id", r.id());
        n.put("pipeline", r.pipeline());
        MetaJson.put(n, "stage", r.stage());
        MetaJson.put(n, "sourceTarget", r.sourceTarget());
        n.put("target", r.target());
        MetaJson.put(n, "action", r.action());
        MetaJson.put(n, "actor", r.actor());
        n.put("status", r.status().json());
        MetaJson.put(n, "sourceCommit", r.sourceCommit());
        MetaJson.put(n, "targetBefore", r.targetBefore());
        MetaJson.put(n, "targetAfter", r.targetAfter());
        if (r.reviewId() != null) {
            n.put("reviewId", r.reviewId());
        }
        MetaJson.put(n, "rollbackOf", r.rollbackOf());
        MetaJson.put(n, "createdAt", r.createdAt());
        MetaJson.put(n, "startedAt", r.startedAt());
        MetaJson.put(n, "finishedAt", r.finishedAt());
        MetaJson.put(n, "error", r.error());
        ArrayNode log = n.putArray("log");
        for (LogLine line : r.log()) {
            ObjectNode o = log.addObject();
            MetaJson.put(o, "at", line.at());
            o.put("message", line.message());
        }
        if (r.rollout() != null) {
            formatRollout(n.putObject("rollout"), r.rollout());
        }
        return MetaJson.write(n);
    }

    static Run parse(String team, String id, String path, byte[] content) {
        ObjectNode n = MetaJson.readObject(path, content);
        if (!id.equals(MetaJson.text(path, n, "id"))) {
            throw new MetaInvalidException(path + ": 'id' must be \"" + id + "\"");
        }
        String statusText = MetaJson.requiredText(path, n, "status");
        RunStatus status = RunStatus.fromJson(statusText);
        if (status == null) {
            throw new MetaInvalidException(path + ": unknown status '" + statusText + "'");
        }
        List<LogLine> log = new ArrayList<>();
        JsonNode lines = n.get("log");
        if (lines != null && !lines.isNull()) {
            if (!lines.isArray()) {
                throw new MetaInvalidException(path + ": 'log' must be a list");
            }
            for (JsonNode line : lines) {
                if (!line.isObject()) {
                    throw new MetaInvalidException(path + ": each log line must be an object");
                }
                Instant at = MetaJson.instant(path, line, "at");
                if (at == null) {
                    throw new MetaInvalidException(path + ": each log line needs 'at'");
                }
                log.add(new LogLine(at, MetaJson.requiredText(path, line, "message")));
            }
        }
        return new Run(id, team, MetaJson.requiredText(path, n, "pipeline"), MetaJson.text(path, n, "stage"),
                MetaJson.text(path, n, "sourceTarget"), MetaJson.requiredText(path, n, "target"),
                MetaJson.text(path, n, "action"), MetaJson.text(path, n, "actor"), status,
                MetaJson.text(path, n, "sourceCommit"), MetaJson.text(path, n, "targetBefore"),
                MetaJson.text(path, n, "targetAfter"), MetaJson.number(path, n, "reviewId"),
                MetaJson.text(path, n, "rollbackOf"), MetaJson.instant(path, n, "createdAt"),
                MetaJson.instant(path, n, "startedAt"), MetaJson.instant(path, n, "finishedAt"), log,
                MetaJson.text(path, n, "error"), parseRollout(path, n.get("rollout")));
    }

    private static void formatRollout(ObjectNode o, RolloutProgress p) {
        ArrayNode waves = o.putArray("waves");
        p.waves().forEach(waves::add);
        o.put("waitForRunning", p.waitForRunning());
        o.put("abortOnFailurePercent", p.abortOnFailurePercent());
        o.put("commit", p.commit());
        ArrayNode devices = o.putArray("devices");
        p.devices().forEach(devices::add);
        o.put("wave", p.wave());
        MetaJson.put(o, "waveStartedAt", p.waveStartedAt());
        ObjectNode previous = o.putObject("previous");
        p.previous().forEach(previous::put);
        o.put("onTarget", p.onTarget());
        o.put("pending", p.pending());
        o.put("failed", p.failed());
        o.put("offline", p.offline());
        o.put("putBack", p.putBack());
    }

    private static RolloutProgress parseRollout(String path, JsonNode o) {
        if (o == null || o.isNull()) {
            return null;
        }
        String in = path + ": rollout";
        if (!o.isObject()) {
            throw new MetaInvalidException(in + " must be an object");
        }
        List<Integer> waves = new ArrayList<>();
        for (JsonNode w : array(in, o, "waves")) {
            waves.add(w.asInt());
        }
        List<String> devices = new ArrayList<>();
        for (JsonNode d : array(in, o, "devices")) {
            devices.add(d.asText());
        }
        Map<String, String> previous = new LinkedHashMap<>();
        JsonNode prev = o.get("previous");
        if (prev != null && prev.isObject()) {
            prev.fields().forEachRemaining(e -> previous.put(e.getKey(), e.getValue().isNull() ? null
                    : e.getValue().asText()));
        }
        return new RolloutProgress(waves, o.path("waitForRunning").asInt(), o.path("abortOnFailurePercent").asInt(),
                MetaJson.requiredText(in, o, "commit"), devices, o.path("wave").asInt(),
                MetaJson.instant(in, o, "waveStartedAt"), previous, o.path("onTarget").asInt(),
                o.path("pending").asInt(), o.path("failed").asInt(), o.path("offline").asInt(),
                o.path("putBack").asInt());
    }

    private static JsonNode array(String in, JsonNode o, String field) {
        JsonNode a = o.get(field);
        if (a == null || !a.isArray()) {
            throw new MetaInvalidException(in + ": '" + field + "' must be a list");
        }
        return a;
    }
}
