package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.server.config.ConfigOption;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code flowstage serve}'s command line as picocli declares it from {@link ConfigOption}. */
class ServeCommandTest {
    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        Run help = run("serve", "--help");
        assertEquals(0, help.exit(), help.err());
        String out = help.out().replaceAll("\\s+", " ");
        for (ConfigOption o : ConfigOption.values()) {
            if (!o.allowedAsFlag()) {
                assertFalse(out.contains(o.flag()), "environment only: " + o.flag());
                continue;
            }
            assertTrue(out.contains(o.flag() + "=<" + o.key() + ">"), o.flag() + " in " + help.out());
            assertTrue(out.contains("env " + o.environmentVariable()), o.environmentVariable() + " in " + help.out());
            o.defaultValue().ifPresent(d -> assertTrue(out.contains("(env " + o.environmentVariable() + "; default " + d + ")"),
                    o.flag() + " default " + d + " in " + help.out()));
        }
        assertTrue(out.contains("a flag wins over the environment, which wins over the file"), help.out());
    }

    @Test
    void mistakesAreOneLineInTheConfigurationsOwnWords() {
        Run unknown = run("serve", "--htp-port=1");
        assertEquals(2, unknown.exit());
        assertEquals("flowstage: unknown option --htp-port", unknown.err().strip());
        Run missing = run("serve", "--http-port");
        assertEquals(2, missing.exit());
        assertEquals("flowstage: option --http-port needs a value", missing.err().strip());
        Run invalid = run("serve", "--ssh-threads=0");
        assertEquals(2, invalid.exit());
        assertEquals("flowstage: invalid value '0' for ssh-threads (command-line flag --ssh-threads): expected a whole"
                + " number >= 1", invalid.err().strip());
        Run secret = run("serve", "--admin-password=hunter2");
        assertEquals(2, secret.exit());
        assertEquals("flowstage: admin-password can only be set with the environment variable FLOWSTAGE_ADMIN_PASSWORD",
                secret.err().strip());
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
