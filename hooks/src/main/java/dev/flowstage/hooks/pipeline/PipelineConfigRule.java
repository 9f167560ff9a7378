package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.receive.ConfigRule;
import dev.flowstage.storage.meta.TeamConfig;
import java.util.List;

/** The pipeline definitions of a pushed team configuration, checked as the API checks them (SPEC §9). */
public final class PipelineConfigRule implements ConfigRule {
    @Override
    public List<String> problems(TeamConfig config) {
        return PipelineValidator.validateFiles(config);
    }
}
