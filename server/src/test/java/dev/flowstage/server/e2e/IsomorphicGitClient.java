package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.Processes;
import dev.flowstage.storage.snapshot.testing.NpmTestCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * isomorphic-git from npm, driven by a small CommonJS script ({@code clients/isomorphic-git-client.js}) run
 * with the machine's {@code node}: each call runs one command of the script as one user and reads the one
 * JSON line it prints.
 */
final class IsomorphicGitClient {
    static final String ISOMORPHIC_GIT = "isomorphic-git@1.44.19";
    private static final String SCRIPT = "clients/isomorphic-git-client.js";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;
    private final Map<String, String> env = new HashMap<>();

    /**
     * @param dir where the script is written
     * @param extraEnv e.g. {@code NODE_EXTRA_CA_CERTS} for the server's self-signed certificate
     */
    IsomorphicGitClient(Path dir, String user, String token, Map<String, String> extraEnv) {
        Path modules = NpmTestCache.install(ISOMORPHIC_GIT).resolve("node_modules");
        this.script = dir.resolve("isomorphic-git-client.js");
        try (InputStream in = IsomorphicGitClient.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is not on the test class path");
            }
            Files.createDirectories(dir);
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("NODE_PATH", modules.toString());
        env.put("GIT_USER", user);
        env.put("GIT_TOKEN", token);
        env.putAll(extraEnv);
    }

    /** Runs {@code command} and fails, with the script's output, unless it succeeded. */
    JsonNode ok(String command, String url, Path dir, String... args) {
        Outcome o = run(command, url, dir, args);
        if (!o.process().ok()) {
            fail("isomorphic-git " + command + " " + url + " failed: " + o.process());
        }
        return o.json();
    }

    /** Runs {@code command} and fails, with the script's output, unless it failed. */
    JsonNode failing(String command, String url, Path dir, String... args) {
        Outcome o = run(command, url, dir, args);
        if (o.process().ok()) {
            fail("isomorphic-git " + command + " " + url + " was expected to fail: " + o.process());
        }
        return o.json();
    }

    private Outcome run(String command, String url, Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), command, url, dir.toString()));
        cmd.addAll(List.of(args));
        ProcessResult r = Processes.run(script.getParent(), env, cmd);
        String line = r.stdout().strip();
        try {
            return new Outcome(r, JSON.readTree(line.isEmpty() ? "{}" : line));
        } catch (IOException e) {
            throw new AssertionError("isomorphic-git " + command + " did not print one JSON line: " + r, e);
        }
    }

    private record Outcome(ProcessResult process, JsonNode json) {}
}
