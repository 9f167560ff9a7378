package dev.flowstage.hooks.pipeline;

import java.util.List;
import java.util.Optional;

/** Read access to a team's pipeline definitions ({@code pipelines/NAME.json} in its {@code _config.git}). */
public interface PipelineStore {
    /** Empty when the team or the pipeline does not exist. */
    Optional<Pipeline> get(String team, String name);

    /** The team's pipelines by name; empty for an unknown team. */
    List<Pipeline> list(String team);
}
