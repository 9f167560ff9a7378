package dev.flowstage.server;

import dev.flowstage.server.admin.AdminException;
import dev.flowstage.server.admin.AdminCommand;
import dev.flowstage.server.config.ConfigException;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ListenException;
import dev.flowstage.server.config.ServeOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The command line: {@code flowstage serve [options]} and {@code flowstage admin …}. */
// scope INHERIT: every subcommand, present and future, gets --help and --version / -V from here
@Command(name = "flowstage", mixinStandardHelpOptions = true, versionProvider = FlowstageVersion.class,
        scope = CommandLine.ScopeType.INHERIT, description = "Git-native backend for Node-RED DevOps.",
        subcommands = {Main.Serve.class, AdminCommand.class, HealthCheckCommand.class})
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error reporting: what a user can fix is one line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setOverwrittenOptionsAllowed(true);
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        return cli.setParameterExceptionHandler((e, args) -> {
            // serve's options say what is wrong in the same words as the rest of its configuration
            if (e.getCommandLine().getCommand() instanceof Serve) {
                e.getCommandLine().getErr().println("flowstage: " + ServeOptions.toConfigException(e).getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            return usage.handleParseException(e, args);
        }).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("flowstage: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof AdminException || e instanceof ListenException || e instanceof ServerLock.Held) {
                cmd.getErr().println("flowstage: " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw e;
        });
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 2;
    }

    /** Starts the server and runs until stopped (Ctrl-C / SIGTERM stops it cleanly). */
    @Command(name = "serve", description = "Start the server.", mixinStandardHelpOptions = true,
            modelTransformer = ServeOptions.class, sortOptions = false, abbreviateSynopsis = true,
            footer = {"", "Every option is also read from its environment variable and, but for --data, from"
                    + " DATA/flowstage.properties (as <name>=<value>); a flag wins over the environment, which wins"
                    + " over the file."})
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, String> flags = ServeOptions.flags(spec.commandLine().getParseResult());
            FlowstageServer server = FlowstageServer.start(new ConfigLoader().load(flags, System.getenv()));
            System.out.println(server.banner().text());
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "flowstage-shutdown"));
            stopped.await();
            return 0;
        }
    }
}
