package dev.flowstage.agent.cli;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.config.AgentConfigFile;
import dev.flowstage.agent.run.Agent;
import dev.flowstage.agent.run.AgentLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agent run}: the service. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Keeps the local Node-RED on the device's deploy branch: fetches main, verifies the server's"
                + " signature, deploys, reports status. Runs until stopped.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    static final class Mode {
        @Option(names = "--watch", description = "Long-poll the server for deploys (the default).")
        boolean watch;

        @Option(names = "--interval", paramLabel = "SECONDS", description = "Fetch every SECONDS instead of long-polling.")
        Integer interval;
    }

    @ArgGroup(exclusive = true)
    Mode mode;

    @Option(names = "--watch-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long one long poll waits before it is renewed (default: ${DEFAULT-VALUE}).")
    int watchTimeout;

    @Option(names = "--max-backoff", paramLabel = "SECONDS", defaultValue = "60",
            description = "The longest wait between retries when the server or Node-RED is away (default: ${DEFAULT-VALUE}).")
    int maxBackoff;

    @Override
    public Integer call() throws InterruptedException {
        boolean interval = mode != null && mode.interval != null;
        if (interval && mode.interval < 1) {
            throw new AgentException("--interval must be at least 1 second");
        }
        if (watchTimeout < 1 || maxBackoff < 1) {
            throw new AgentException("--watch-timeout and --max-backoff must be at least 1 second");
        }
        Path file = config.path();
        AgentConfig cfg = AgentConfigFile.read(file);
        AgentLoop.Schedule schedule = new AgentLoop.Schedule(!interval,
                Duration.ofSeconds(interval ? mode.interval : 30), watchTimeout);
        try (Agent agent = Agent.create(cfg, file, schedule, Duration.ofSeconds(maxBackoff))) {
            LoggerFactory.getLogger("flowstage.agent").info("device {}/{}: {} {} for Node-RED at {}", cfg.team(), cfg.device(),
                    interval ? "fetching every " + mode.interval + " s from" : "watching", cfg.git().url(), cfg.nodeRed().url());
            agent.run();
        }
        return 0;
    }
}
