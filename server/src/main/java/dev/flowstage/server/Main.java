package dev.flowstage.server;

import dev.flowstage.server.admin.AdminException;
import dev.flowstage.server.admin.AdminCommand;
import dev.flowstage.server.config.ConfigException;
import dev.flowstage.server.config.ListenException;
import dev.flowstage.server.config.ConfigOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** The command line: {@code flowstage serve [options]} and {@code flowstage admin …}. */
@Command(name = "flowstage", mixinStandardHelpOptions = true, version = "flowstage 0.1.0",
        description = "Git-native backend for Node-RED DevOps.", subcommands = {Main.Serve.class, AdminCommand.class})
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error reporting: what a user can fix is one line, not a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
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
            footer = {"", "Options (also FLOWSTAGE_<NAME> environment variables and DATA/flowstage.properties keys):"})
    static final class Serve implements Callable<Integer> {
        @Unmatched
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (options.contains("--help") || options.contains("-h")) {
                for (ConfigOption o : ConfigOption.values()) {
                    System.out.printf("  %-30s %s%n", o.flag() + o.defaultValue().map(d -> " (" + d + ")").orElse(""),
                            o.description());
                }
                return 0;
            }
            FlowstageServer server = FlowstageServer.start(options, System.getenv());
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
