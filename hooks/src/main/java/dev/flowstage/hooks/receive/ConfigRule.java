package dev.flowstage.hooks.receive;

import dev.flowstage.storage.meta.TeamConfig;
import java.util.List;

/**
 * One more check a pushed team configuration must pass beyond its own files parsing (pipelines, for
 * one). Returns the problems as user-facing sentences without the "flowstage: " prefix; empty when fine.
 */
@FunctionalInterface
public interface ConfigRule {
    List<String> problems(TeamConfig config);
}
