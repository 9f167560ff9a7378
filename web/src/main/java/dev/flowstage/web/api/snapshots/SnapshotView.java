package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot in a list (SPEC §5): its commit id, name and description (from an annotated tag naming it,
 * else from the commit message), author, time, promotion source when it was promoted, and the tags
 * that name it.
 */
public record SnapshotView(String id, String name, String description, String author, Instant createdAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String source, List<String> tags) {
    public SnapshotView {
        tags = List.copyOf(tags);
    }

    /** This snapshot as named by {@code name} (one of its tags, e.g. the one just created). */
    SnapshotView named(String name, String description) {
        return new SnapshotView(id, name, description == null ? "" : description.strip(), author, createdAt, source,
                tags);
    }
}
