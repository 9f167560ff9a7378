package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.Processes;
import dev.flowstage.server.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the README's quick start, followed literally from an empty directory. The commands are
 * read from the README itself (its {@code ```sh} blocks under "Quick start"), so the two cannot drift.
 * The only changes are the three port numbers (the server gets free ports through its environment
 * variables, the client commands the same numbers) and what a person at a terminal would do: git's
 * password prompt is answered with the token (GIT_ASKPASS), and HOME is a fresh directory.
 */
class ReadmeQuickStartIT {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern SSH_FINGERPRINT = Pattern.compile("SSH host key fingerprint (SHA256:\\S+)");

    @TempDir
    Path dir;

    @Test
    void theQuickStartWorksWithTheGeneratedPassword() throws Exception {
        QuickStart run = follow(null);
        assertThat(run.banner).contains("Created user 'admin' with password: ");
        assertThat(run.passwordPrompts).as("git asked for the token once, the credential cache answered the push")
                .isEqualTo(1);
    }

    @Test
    void theQuickStartWorksWithFlowstageAdminPassword() throws Exception {
        QuickStart run = follow("chosen-on-first-start");
        assertThat(run.banner).doesNotContain("Created user 'admin'");
        assertThat(run.passwordPrompts).isEqualTo(1);
    }

    @Test
    void theFirstScreenCommandsAreTheQuickStartsAndCisOwn() throws IOException {
        String readme = Files.readString(README);
        List<String> firstBlock = quickStartBlocks(readme).get(0);
        assertThat(readme).contains("\n    " + String.join(" && ", firstBlock) + "\n");
        assertThat(readme).contains("\n    mvn -B verify\n");
        assertThat(Files.readString(Path.of("..", ".ci", "run"))).containsPattern("(?m)^mvn -B verify$");
    }

    private QuickStart follow(String adminPassword) throws Exception {
        List<List<String>> blocks = quickStartBlocks(Files.readString(README));
        assertThat(blocks.get(0)).as("the quick start builds, then starts the server")
                .containsExactly("mvn -B -q -DskipTests package", "java -jar server/target/flowstage.jar serve");

        Path work = Files.createDirectories(dir.resolve("flowstage"));
        Path target = Files.createDirectories(work.resolve("server/target"));
        // the build is what this test suite runs in; its jar stands where the build leaves it
        Files.createSymbolicLink(target.resolve("flowstage.jar"), ServerProcess.jar());
        Path home = Files.createDirectories(dir.resolve("home"));
        Path askpass = dir.resolve("askpass.sh");
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(askpass, "#!/bin/sh\necho \"$1\" >> '" + prompts + "'\n"
                + "case \"$1\" in Username*) echo admin ;; *) echo \"$TOKEN\" ;; esac\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));

        Map<String, Integer> ports = Map.of("8080", freePort(), "8443", freePort(), "2222", freePort());
        Map<String, String> serverEnv = cleanEnvironment(home);
        serverEnv.put("FLOWSTAGE_HTTP_PORT", ports.get("8080").toString());
        serverEnv.put("FLOWSTAGE_HTTPS_PORT", ports.get("8443").toString());
        serverEnv.put("FLOWSTAGE_SSH_PORT", ports.get("2222").toString());
        if (adminPassword != null) {
            serverEnv.put("FLOWSTAGE_ADMIN_PASSWORD", adminPassword);
        }

        ProcessBuilder pb = new ProcessBuilder(blocks.get(0).get(1).split(" ")).directory(work.toFile())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(serverEnv);
        Process server = pb.start();
        try {
            String banner = awaitBanner(server, adminPassword == null);
            Matcher fingerprint = SSH_FINGERPRINT.matcher(banner);
            assertThat(fingerprint.find()).as(banner).isTrue();

            StringBuilder script = new StringBuilder("set -e\nset -a\n"); // a terminal keeps its variables
            for (List<String> block : blocks.subList(1, blocks.size())) {
                block.forEach(line -> script.append(line).append('\n'));
            }
            String withPorts = script.toString();
            for (Map.Entry<String, Integer> port : ports.entrySet()) {
                withPorts = withPorts.replaceAll("\\b" + port.getKey() + "\\b", port.getValue().toString());
            }
            Map<String, String> clientEnv = cleanEnvironment(home);
            clientEnv.put("GIT_ASKPASS", askpass.toString());
            clientEnv.put("GIT_AUTHOR_NAME", "Quick Start");
            clientEnv.put("GIT_AUTHOR_EMAIL", "quick@start.test");
            clientEnv.put("GIT_COMMITTER_NAME", "Quick Start");
            clientEnv.put("GIT_COMMITTER_EMAIL", "quick@start.test");
            if (adminPassword != null) {
                clientEnv.put("FLOWSTAGE_ADMIN_PASSWORD", adminPassword);
            }
            Path scriptFile = dir.resolve("quick-start.sh");
            Files.writeString(scriptFile, withPorts);
            ProcessResult result = Processes.run(work, clientEnv, List.of("bash", scriptFile.toString()));
            Processes.run(work, clientEnv, List.of("git", "credential-cache", "exit"));
            assertThat(result.exitCode()).as(result.toString()).isZero();

            // ssh-keygen -lf printed the fingerprint the server printed: the pinning step compares like with like
            assertThat(result.stdout()).contains(fingerprint.group(1));
            // pushed over HTTPS, cloned back over SSH
            assertThat(Files.readString(work.resolve("dev-ssh/flows.json")).strip())
                    .isEqualTo("[{\"id\":\"f1\",\"type\":\"tab\",\"label\":\"Flow 1\"}]");
            ProcessResult log = Processes.run(work.resolve("dev-ssh"), clientEnv, List.of("git", "log", "-1", "--format=%s"));
            assertThat(log.stdout().strip()).isEqualTo("First flow");
            assertThat(Files.readString(work.resolve("dev/.git/config"))).doesNotContain("fsp_");
            // the admin's own password now works, and the initial password file is gone
            assertThat(work.resolve("data/initial-admin-password")).doesNotExist();
            assertThat(ApiClient.basic("http://127.0.0.1:" + ports.get("8080"), "admin", "a-long-secret-of-yours")
                    .get("/api/v1/user").status()).isEqualTo(200);
            int asked = Files.exists(prompts) ? (int) Files.readAllLines(prompts).stream()
                    .filter(l -> l.startsWith("Password")).count() : 0;
            return new QuickStart(banner, asked);
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    private record QuickStart(String banner, int passwordPrompts) {}

    /** The lines of each {@code ```sh} block of the "Quick start" section, in order. */
    static List<List<String>> quickStartBlocks(String readme) {
        int start = readme.indexOf("\n## Quick start");
        assertThat(start).as("README has a Quick start section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : section.split("\n", -1)) {
            if (current == null && line.equals("```sh")) {
                current = new ArrayList<>();
            } else if (current != null && line.equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        assertThat(blocks).as("sh blocks of the quick start").hasSizeGreaterThan(2);
        return blocks;
    }

    /** This JVM's environment without anything that would make the run depend on the machine. */
    private static Map<String, String> cleanEnvironment(Path home) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("FLOWSTAGE_") || k.startsWith("GIT_") || k.startsWith("SSH_"));
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        return env;
    }

    /** The banner up to its last line: the Git URLs, or with a generated password the line naming its file. */
    private static String awaitBanner(Process server, boolean generatedPassword) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> banner = CompletableFuture.supplyAsync(() -> {
            try {
                boolean running = false;
                for (String line; (line = out.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    running |= line.startsWith("Flowstage is running");
                    String last = generatedPassword ? "  The initial password of user 'admin' is in " : "  Git    ";
                    if (running && line.startsWith(last)) {
                        drainInBackground(out);
                        return seen.toString();
                    }
                }
                throw new IllegalStateException("server exited:\n" + seen);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return banner.get(90, TimeUnit.SECONDS);
    }

    private static void drainInBackground(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException closed) {
                // the server stopped
            }
        }, "quick-start-server-output");
        t.setDaemon(true);
        t.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
