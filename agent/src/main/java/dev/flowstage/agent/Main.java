package dev.flowstage.agent;

import dev.flowstage.agent.cli.InitCommand;
import dev.flowstage.agent.cli.RunCommand;
import dev.flowstage.agent.cli.SnapshotCommand;
import dev.flowstage.agent.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar flowstage-agent.jar init|run|snapshot}: the device agent's command line. */
@Command(name = "flowstage-agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Fetches this device's deploy branch from a Flowstage server, verifies the server's signature"
                + " and deploys the snapshot to the local Node-RED.",
        subcommands = {InitCommand.class, RunCommand.class, SnapshotCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the agent's error handling: an {@link AgentException} is one line on stderr, exit 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof AgentException) {
                commandLine.getErr().println("flowstage-agent: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: init, run or snapshot");
    }
}
