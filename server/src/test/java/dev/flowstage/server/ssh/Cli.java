package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real command-line tool (git, ssh, ssh-keygen) in an isolated HOME and captures its output. */
final class Cli {
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private final Path home;
    private final Map<String, String> env;

    Cli(Path home, Map<String, String> env) {
        this.home = home;
        this.env = env;
    }

    Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
        return run(workDir, command, Map.of());
    }

    Result run(Path workDir, List<String> command, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_AUTHOR_NAME", "Test");
        pb.environment().put("GIT_AUTHOR_EMAIL", "test@example.test");
        pb.environment().put("GIT_COMMITTER_NAME", "Test");
        pb.environment().put("GIT_COMMITTER_EMAIL", "test@example.test");
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "timed out: " + command);
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }
}
