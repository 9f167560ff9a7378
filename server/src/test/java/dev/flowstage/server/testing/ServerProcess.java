package dev.flowstage.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The shaded jar ({@code server/target/flowstage.jar}) started as its own process, for tests that
 * must kill the server the hard way. Used by failsafe integration tests, after {@code package}.
 */
public final class ServerProcess implements AutoCloseable {
    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final int sshPort;
    private final Map<String, String> env;
    private final List<String> extraArgs;
    private int httpsPort;
    private Process process;

    public ServerProcess(Path dataDir, Path log) {
        this(dataDir, log, Map.of("FLOWSTAGE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD), List.of());
    }

    /** @param env the server's environment on top of this JVM's (none of it sets the admin password) */
    public ServerProcess(Path dataDir, Path log, Map<String, String> env) {
        this(dataDir, log, env, List.of());
    }

    /** {@code extraArgs} are appended to {@code serve} (e.g. {@code --gc-pushes 1}). */
    public ServerProcess(Path dataDir, Path log, List<String> extraArgs) {
        this(dataDir, log, Map.of("FLOWSTAGE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD), extraArgs);
    }

    public ServerProcess(Path dataDir, Path log, Map<String, String> env, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.log = log;
        this.extraArgs = List.copyOf(extraArgs);
        this.httpPort = freePort();
        this.sshPort = freePort();
        this.env = Map.copyOf(env);
    }

    /** {@code java -jar flowstage.jar ARGS} run to its end, with {@code env} added to this JVM's. */
    public static ProcessResult runJar(Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        return Processes.run(null, env, command);
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("flowstage.jar", "target/flowstage.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the jar first (mvn package): " + jar);
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int httpPort() {
        return httpPort;
    }

    /**
     * Serve HTTPS too, on a free port chosen now and kept across restarts (off by default); the
     * self-signed certificate is made on the first start and kept in the data dir. Call before {@link #start()}.
     */
    public ServerProcess withHttps() {
        httpsPort = freePort();
        return this;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public String httpsBase() {
        if (httpsPort == 0) {
            throw new IllegalStateException("HTTPS is off: call withHttps() before start()");
        }
        return "https://127.0.0.1:" + httpsPort;
    }

    /** The server's TLS certificate, made on its first start with HTTPS. */
    public Path tlsCertificate() {
        return dataDir.resolve("tls").resolve("cert.pem");
    }

    public int sshPort() {
        return sshPort;
    }

    public String httpBase() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Starts the jar and waits until /healthz answers 200. */
    public void start() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar().toString(), "serve",
                "--data", dataDir.toString(), "--bind", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--https-port", Integer.toString(httpsPort),
                "--ssh-port", Integer.toString(sshPort)));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("FLOWSTAGE_ADMIN_PASSWORD");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(httpBase() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server did not become healthy: " + Files.readString(log));
    }

    /** SIGKILL: no shutdown hook runs, exactly like a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
