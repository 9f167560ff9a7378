package dev.flowstage.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stock {@code git} client with an isolated HOME (no user config, no credential helpers, no
 * prompts), so every test sees the same git.
 */
public final class GitCli {
    private final Path home;
    private final Map<String, String> baseEnv = new HashMap<>();

    public GitCli(Path home) {
        this.home = home;
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve(".gitconfig"), """
                    [user]
                    \tname = Flow Developer
                    \temail = dev@example.test
                    [init]
                    \tdefaultBranch = main
                    [advice]
                    \tdetachedHead = false
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        baseEnv.put("HOME", home.toString());
        baseEnv.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        baseEnv.put("GIT_CONFIG_NOSYSTEM", "1");
        baseEnv.put("GIT_TERMINAL_PROMPT", "0");
        baseEnv.put("GIT_ASKPASS", "/bin/false");
        baseEnv.put("SSH_ASKPASS", "/bin/false");
        baseEnv.put("LC_ALL", "C");
    }

    public Path home() {
        return home;
    }

    public ProcessResult run(Path dir, Map<String, String> env, String... args) {
        Map<String, String> e = new HashMap<>(baseEnv);
        e.putAll(env);
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        return Processes.run(dir, e, cmd);
    }

    public ProcessResult run(Path dir, String... args) {
        return run(dir, Map.of(), args);
    }

    /** Runs and fails with the whole output when git exits non-zero. */
    public String ok(Path dir, Map<String, String> env, String... args) {
        ProcessResult r = run(dir, env, args);
        if (!r.ok()) {
            throw new AssertionError("git " + String.join(" ", args) + " failed: " + r);
        }
        return r.stdout();
    }

    public String ok(Path dir, String... args) {
        return ok(dir, Map.of(), args);
    }
}
