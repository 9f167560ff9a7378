package dev.flowstage.storage.run;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A team's pipeline runs, kept in its {@code _config.git} on {@code refs/meta/runs} as
 * {@code runs/SHARD/ID.json} (SHARD: the id less its last two digits, e.g. {@code runs/0000/000042.json}). Ids are a zero-padded per-team sequence ("000001", ...), so their order is
 * creation order and newest first is descending id order.
 */
public interface RunStore {
    String META_REF = "refs/meta/runs";

    /**
     * Stores {@code run} (its id and createdAt are ignored) under the next id, with createdAt = now.
     * @throws dev.flowstage.storage.meta.MetaNotFoundException when the team does not exist
     */
    Run create(Run run);

    Optional<Run> get(String team, String id);

    /**
     * Up to {@code limit} runs, newest first, of one pipeline or (null) all; {@code afterIdOrNull} is the
     * cursor: the id of the last run of the previous page (only older runs follow).
     */
    List<Run> list(String team, String pipelineOrNull, int limit, String afterIdOrNull);

    /**
     * Applies {@code edit} to the current run and stores the result, re-applied on a concurrent change
     * ({@code edit} may throw to refuse). Id, team and pipeline cannot change.
     * @throws dev.flowstage.storage.meta.MetaNotFoundException for an unknown run
     */
    Run update(String team, String id, UnaryOperator<Run> edit);

    /** The team's queued, running and awaiting-approval runs, oldest first (the order to resume them in). */
    List<Run> pending(String team);

    /** Every team's non-terminal runs, oldest first per team: what start-up recovery looks at. */
    List<Run> allNonTerminal();
}
