package dev.flowstage.web.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code git} client with an isolated home and no prompts. */
final class GitCli {
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private final Path home;

    GitCli(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.writeString(home.resolve(".gitconfig"),
                "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
                        + "[advice]\n\tdetachedHead = false\n");
    }

    Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("GIT_") || k.endsWith("ASKPASS"));
        e.put("HOME", home.toString());
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        e.put("GIT_TERMINAL_PROMPT", "0");
        e.putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Map.of(), args);
    }
}
