package dev.flowstage.web.api.reviews;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flowstage.hooks.review.ReviewDiff;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.web.api.ApiException;
import java.io.IOException;
import java.util.List;

/**
 * The flows.json of both sides of a review's diff, for drawing them ({@code GET …/reviews/{id}/flows}):
 * {@code before} is what the diff compares from, {@code after} what it compares to, each the flows array
 * (empty when the side has no flows.json); {@code against} and {@code conflicts} as in {@link ReviewView}.
 * flows.json holds no credentials (they live in flows_cred.json, which is never shown).
 */
public record ReviewFlows(String against, List<String> conflicts, JsonNode before, JsonNode after) {

    static ReviewFlows of(ReviewDiff.Sides sides, ObjectMapper json) {
        return new ReviewFlows(sides.against(), sides.conflicts(), flows(sides.before(), json),
                flows(sides.after(), json));
    }

    private static JsonNode flows(Snapshot snapshot, ObjectMapper json) {
        byte[] bytes = snapshot.bytes(SnapshotFiles.FLOWS).orElse(null);
        if (bytes == null) {
            return JsonNodeFactory.instance.arrayNode();
        }
        try {
            JsonNode flows = json.readTree(bytes);
            if (flows != null && flows.isArray()) {
                return flows;
            }
        } catch (IOException e) {
            // answered below
        }
        throw ApiException.invalid("invalid_snapshot", "flows.json of this review is not a JSON array of nodes");
    }
}
