package dev.flowstage.server;

import dev.flowstage.server.config.ConfigException;
import dev.flowstage.server.config.ConfigOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** The command line: {@code flowstage serve [options]}. */
@Command(name = "flowstage", mixinStandardHelpOptions = true, version = "flowstage 0.1.0",
        description = "Git-native backend for Node-RED DevOps.", subcommands = Main.Serve.class)
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
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
            FlowstageServer server;
            try {
                server = FlowstageServer.start(options, System.getenv());
            } catch (ConfigException e) {
                System.err.println("flowstage: " + e.getMessage());
                return 2;
            }
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
