package dev.flowstage.hooks.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON form of an event, for the WebSocket stream and webhook bodies alike:
 * {@code {"type","team","target","time" (ISO-8601 UTC),"data":{...}}}.
 */
public final class EventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {}

    public static ObjectNode tree(FlowstageEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", e.type());
        n.put("team", e.team());
        n.put("target", e.target());
        n.put("time", e.time().toString());
        n.set("data", JSON.valueToTree(e.data()));
        return n;
    }

    public static String text(FlowstageEvent e) {
        try {
            return JSON.writeValueAsString(tree(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("event data is not JSON-friendly", ex);
        }
    }

    public static byte[] bytes(FlowstageEvent e) {
        return text(e).getBytes(StandardCharsets.UTF_8);
    }
}
