package dev.flowstage.web.api.triggers;

import dev.flowstage.storage.run.Run;
import java.time.Instant;

/** The run a trigger started, as the 202 answer shows it. */
public record RunView(String id, String status, String pipeline, String stage, String source, String target,
                      String actor, Instant createdAt) {
    static RunView of(Run r) {
        return new RunView(r.id(), r.status().json(), r.pipeline(), r.stage(), r.sourceTarget(), r.target(),
                r.actor(), r.createdAt());
    }
}
