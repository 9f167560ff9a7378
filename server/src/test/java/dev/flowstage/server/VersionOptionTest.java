package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --version} and {@code -V} on every command, found by walking the command tree (so new ones are covered). */
class VersionOptionTest {
    /** Every command as the words that call it: [], [serve], [admin], [admin, reset-password], … */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), all);
        return all.stream();
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // aliases would repeat a command
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                walk(sub, deeper, into);
            }
        });
    }

    @Test
    void theTreeHasTheCommandsThisTestIsAbout() {
        List<List<String>> all = commands().toList();
        for (List<String> expected : List.of(List.<String>of(), List.of("serve"), List.of("admin"),
                List.of("admin", "reset-password"), List.of("admin", "create-user"), List.of("healthcheck"))) {
            assertTrue(all.contains(expected), expected + " in " + all);
        }
    }

    @ParameterizedTest(name = "{0} --version")
    @MethodSource("commands")
    void longOption(List<String> command) {
        assertPrintsVersion(command, "--version");
    }

    @ParameterizedTest(name = "{0} -V")
    @MethodSource("commands")
    void shortOption(List<String> command) {
        assertPrintsVersion(command, "-V");
    }

    @Test
    void fromClassesTheVersionIsDev() {
        // the unit tests run from target/classes, which has no manifest; the jar's is checked in VersionIT
        assertEquals("dev", FlowstageVersion.version());
    }

    private static void assertPrintsVersion(List<String> command, String option) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(command);
        args.add(option);
        int exit = cli.execute(args.toArray(new String[0]));
        assertEquals(0, exit, err.toString());
        assertEquals("flowstage " + FlowstageVersion.version(), out.toString().strip(), args.toString());
        assertEquals("", err.toString());
    }
}
