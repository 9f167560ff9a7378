package dev.flowstage.hooks.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Something that happened in a team, as streamed on its WebSocket and sent to its webhooks:
 * {@code type} is one of {@link #TYPES}, {@code target} the instance, device, group or pipeline it
 * concerns, {@code data} the type's details (JSON-friendly values: strings, numbers, booleans, null).
 */
public record FlowstageEvent(String type, String team, String target, Instant time, Map<String, Object> data) {
    public static final String PUSH = "push";
    public static final String RUN = "run";
    public static final String REVIEW = "review";
    public static final String DEVICE = "device";
    public static final String UPSTREAM = "upstream";
    public static final String AUDIT = "audit";
    public static final Set<String> TYPES = Set.of(PUSH, RUN, REVIEW, DEVICE, UPSTREAM, AUDIT);

    public FlowstageEvent {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown event type '" + type + "'");
        }
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(time, "time");
        // LinkedHashMap keeps the factories' field order in the JSON and allows null values
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** A ref of {@code target} moved by a push; {@code oldSha} is null for a create, {@code newSha} for a delete. */
    public static FlowstageEvent push(String team, String target, String ref, String oldSha, String newSha,
                                      String actor, Instant time) {
        return new FlowstageEvent(PUSH, team, target, time,
                fields("ref", ref, "old", oldSha, "new", newSha, "actor", actor));
    }

    /** A pipeline run changed status; {@code target} is the target the run deploys into. */
    public static FlowstageEvent run(String team, String target, String pipeline, String stage, String runId,
                                     String status, String actor, Instant time) {
        return new FlowstageEvent(RUN, team, target, time, fields("pipeline", pipeline, "stage", stage,
                "run", runId, "status", status, "actor", actor));
    }

    /** As {@link #run}, with a staged rollout's progress ({@code rollout}: wave and device counts; null: none). */
    public static FlowstageEvent run(String team, String target, String pipeline, String stage, String runId,
                                     String status, String actor, Instant time, Map<String, Object> rollout) {
        Map<String, Object> data = fields("pipeline", pipeline, "stage", stage, "run", runId, "status", status,
                "actor", actor);
        if (rollout != null) {
            data.put("rollout", Collections.unmodifiableMap(new LinkedHashMap<>(rollout)));
        }
        return new FlowstageEvent(RUN, team, target, time, data);
    }

    /** A review on {@code target} was opened, approved, rejected or applied ({@code state}). */
    public static FlowstageEvent review(String team, String target, String reviewId, String state, String actor,
                                        Instant time) {
        return new FlowstageEvent(REVIEW, team, target, time,
                fields("review", reviewId, "state", state, "actor", actor));
    }

    /** A device reported its state ({@code running|error|stopped}) on {@code commit}. */
    public static FlowstageEvent device(String team, String device, String state, String commit, String message,
                                        Instant time) {
        return new FlowstageEvent(DEVICE, team, device, time,
                fields("state", state, "commit", commit, "message", message));
    }

    /** An instance's upstream sync changed state ({@code in_sync|behind|syncing|paused|error}). */
    public static FlowstageEvent upstream(String team, String instance, String state, String commit, Instant time) {
        return new FlowstageEvent(UPSTREAM, team, instance, time, fields("state", state, "commit", commit));
    }

    /**
     * An entry of the team's audit log: {@code action} (e.g. {@code instance.create}) by {@code actor}
     * on {@code target}, with the entry's chosen {@code details} (never a secret).
     */
    public static FlowstageEvent audit(String team, String target, String actor, String action,
                                       Map<String, String> details, Instant time) {
        Map<String, Object> data = fields("action", action, "actor", actor);
        data.put("details", Collections.unmodifiableMap(new LinkedHashMap<>(details)));
        return new FlowstageEvent(AUDIT, team, target, time, data);
    }

    private static Map<String, Object> fields(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
