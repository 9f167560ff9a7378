package dev.flowstage.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.server.InitialAdminPassword;
import dev.flowstage.server.ServerLock;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.secret.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flowstage admin …} on a stopped server's data directory. */
class AdminCommandTest {
    private static final PasswordHasher HASHER = new PasswordHasher();

    @TempDir
    Path data;

    @BeforeEach
    void aStoppedServersDataDir() throws Exception {
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC())) {
            site.createUser("admin", HASHER.hash("forgotten-password"), true);
        }
        new InitialAdminPassword(data).write("forgotten-password");
    }

    @Test
    void resetPasswordPrintsANewOneThatSignsInAndDeletesTheInitialPasswordFile() throws Exception {
        Run run = run("admin", "reset-password", "--data", data.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("New password of user 'admin': "), run.out());
        String password = run.out().substring("New password of user 'admin': ".length()).strip();
        assertTrue(HASHER.verify(password, storedHash("admin")));
        assertFalse(new InitialAdminPassword(data).exists());
    }

    @Test
    void passwordsCanComeFromStandardInput() throws Exception {
        Run created = withStdin("carol-chosen-pw\n", "admin", "create-user", "carol", "--password-stdin", "--data", data.toString());
        assertEquals(0, created.exit(), created.err());
        assertEquals("Created user 'carol'.", created.out().strip());
        assertTrue(HASHER.verify("carol-chosen-pw", storedHash("carol")));

        Run reset = withStdin("carol-second-pw\n", "admin", "reset-password", "carol", "--password-stdin", "--data", data.toString());
        assertEquals(0, reset.exit(), reset.err());
        assertTrue(HASHER.verify("carol-second-pw", storedHash("carol")));
        assertTrue(new InitialAdminPassword(data).exists(), "carol's password is no concern of admin's file");

        Run tooShort = withStdin("short\n", "admin", "reset-password", "carol", "--password-stdin", "--data", data.toString());
        assertEquals(1, tooShort.exit());
        assertEquals("flowstage: the password on standard input must be 8 to 1024 characters long", tooShort.err().strip());
    }

    @Test
    void createUserMakesAdminsAndRefusesTakenNames() throws Exception {
        Run created = run("admin", "create-user", "ops", "--admin", "--data", data.toString());
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().startsWith("Created admin user 'ops' with password: "), created.out());
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC())) {
            assertTrue(site.user("ops").orElseThrow().admin());
        }
        Run again = run("admin", "create-user", "ops", "--data", data.toString());
        assertEquals(1, again.exit());
        assertEquals("flowstage: user 'ops' already exists (reset its password with 'admin reset-password ops')",
                again.err().strip());
        Run badName = run("admin", "create-user", "Bad Name", "--data", data.toString());
        assertEquals(1, badName.exit());
        assertTrue(badName.err().startsWith("flowstage: user name 'Bad Name' is not allowed"), badName.err());
    }

    @Test
    void refusedWhileAServerRunsOnTheDataDirectory() throws Exception {
        try (ServerLock running = ServerLock.acquire(data)) {
            Run run = run("admin", "reset-password", "--data", data.toString());
            assertEquals(1, run.exit());
            assertEquals("flowstage: a Flowstage server is running on data directory " + data.toAbsolutePath()
                    + " (it holds server.lock); stop it first, or change users through the REST API"
                    + " (PATCH /api/v1/users/NAME, POST /api/v1/users)", run.err().strip());
        }
        assertTrue(HASHER.verify("forgotten-password", storedHash("admin")), "nothing changed");
    }

    @Test
    void unknownUsersAndMissingDataDirectoriesAreOneLine() {
        Run nobody = run("admin", "reset-password", "nobody", "--data", data.toString());
        assertEquals(1, nobody.exit());
        assertEquals("flowstage: there is no user 'nobody'", nobody.err().strip());
        Path empty = data.resolve("elsewhere");
        Run missing = run("admin", "reset-password", "--data", empty.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("flowstage: no Flowstage data in " + empty.toAbsolutePath()), missing.err());
    }

    private String storedHash(String user) {
        try (GitSiteStore site = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC())) {
            return site.user(user).orElseThrow().passwordHash();
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        return withStdin("", args);
    }

    private static Run withStdin(String stdin, String... args) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = dev.flowstage.server.Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setIn(before);
        }
    }
}
