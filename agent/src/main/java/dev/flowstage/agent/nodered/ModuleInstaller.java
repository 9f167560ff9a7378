package dev.flowstage.agent.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.agent.AgentException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Installs the node modules a snapshot's package.json lists (its {@code dependencies}) that are missing
 * from the Node-RED user dir, with {@code npm install} there, then asks the running Node-RED to load
 * those it has not loaded ({@code POST /nodes}; the module being on disk already, Node-RED's own npm run
 * changes nothing). Opt-in ({@code --install-modules}): it runs code from the npm registry on the device.
 */
public final class ModuleInstaller {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NPM_TIMEOUT_MINUTES = 10;

    private final Path userDir;
    private final String npm;

    public ModuleInstaller(Path userDir, String npm) {
        this.userDir = userDir;
        this.npm = npm;
    }

    /** The {@code dependencies} of the snapshot's package.json, name → version range (empty when none). */
    public static Map<String, String> dependencies(Snapshot snapshot) {
        Map<String, String> deps = new LinkedHashMap<>();
        byte[] file = snapshot.bytes(SnapshotFiles.PACKAGE).orElse(null);
        if (file == null) {
            return deps;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file);
        } catch (IOException e) {
            throw new AgentException("the snapshot's " + SnapshotFiles.PACKAGE + " is not valid JSON");
        }
        root.path("dependencies").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("node-red")) {
                deps.put(e.getKey(), e.getValue().asText("*"));
            }
        });
        return deps;
    }

    /** Those of {@code dependencies} that are not installed in the user dir's node_modules. */
    public Map<String, String> missing(Map<String, String> dependencies) {
        Map<String, String> missing = new LinkedHashMap<>();
        dependencies.forEach((name, range) -> {
            if (installedVersion(name) == null) {
                missing.put(name, range);
            }
        });
        return missing;
    }

    /** The version of {@code name} installed in the user dir, or null. */
    public String installedVersion(String name) {
        if (!name.matches("(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*")) {
            throw new AgentException("package.json names a dependency '" + name + "' that is not an npm package name");
        }
        Path pkg = userDir.resolve("node_modules").resolve(name).resolve("package.json");
        try {
            return Files.isRegularFile(pkg) ? JSON.readTree(pkg.toFile()).path("version").asText(null) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Installs what is missing and has Node-RED load it.
     *
     * @return the modules of package.json with their installed versions
     */
    public Map<String, String> ensure(Map<String, String> dependencies, NodeRedAdmin nodeRed) {
        Map<String, String> missing = missing(dependencies);
        if (!missing.isEmpty()) {
            npmInstall(missing);
        }
        Map<String, String> loaded = dependencies.isEmpty() ? Map.of() : nodeRed.loadedModules();
        Map<String, String> installed = new LinkedHashMap<>();
        for (String name : dependencies.keySet()) {
            String version = installedVersion(name);
            if (version == null) {
                throw new AgentException("npm install did not install " + name + " into " + userDir);
            }
            if (!loaded.containsKey(name)) {
                nodeRed.loadModule(name, version);
            }
            installed.put(name, version);
        }
        return installed;
    }

    private void npmInstall(Map<String, String> modules) {
        List<String> cmd = new ArrayList<>(List.of(npm, "install", "--no-audit", "--no-fund", "--omit=dev",
                "--save", "--loglevel=error"));
        modules.forEach((name, range) -> cmd.add(name + "@" + range));
        Path log = null;
        try {
            Files.createDirectories(userDir);
            log = Files.createTempFile("flowstage-agent-npm", ".log");
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(userDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new AgentException("npm could not be started (" + e.getMessage() + "): install npm, or run"
                        + " without --install-modules");
            }
            if (!p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AgentException("npm install " + String.join(" ", modules.keySet()) + " did not finish within "
                        + NPM_TIMEOUT_MINUTES + " minutes");
            }
            if (p.exitValue() != 0) {
                throw new AgentException("npm install " + String.join(" ", modules.keySet()) + " failed with exit code "
                        + p.exitValue() + ": " + lastLine(log));
            }
        } catch (IOException e) {
            throw new AgentException("npm install in " + userDir + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted during npm install");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a temp file left behind
                }
            }
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "no output";
        }
        String l = lines.get(lines.size() - 1).strip();
        return l.length() > 200 ? l.substring(0, 200) + "…" : l;
    }
}
