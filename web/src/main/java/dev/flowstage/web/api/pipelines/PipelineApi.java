package dev.flowstage.web.api.pipelines;

import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.hooks.pipeline.PipelineEngine;

/** What the pipeline resources need: the definitions and the engine that runs them. */
public record PipelineApi(ConfigPipelineStore definitions, PipelineEngine engine) {}
