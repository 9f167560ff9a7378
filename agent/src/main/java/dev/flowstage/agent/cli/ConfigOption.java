package dev.flowstage.agent.cli;

import dev.flowstage.agent.config.AgentConfigFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The agent's config file (default: $FLOWSTAGE_AGENT_HOME/config.json, else ~/.flowstage-agent/config.json).")
    Path config;

    public Path path() {
        return config != null ? config : AgentConfigFile.defaultPath();
    }
}
