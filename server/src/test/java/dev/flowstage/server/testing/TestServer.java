package dev.flowstage.server.testing;

import dev.flowstage.server.FlowstageServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole Flowstage server, started in this JVM on ephemeral ports with a temporary data dir,
 * plus what tests need to talk to it: API clients, users with tokens and SSH keys, captured logs.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-test-password-7f3c";

    private final Path root;
    private final Path dataDir;
    private final LogCapture logs;
    private FlowstageServer server;

    private TestServer(Path root) throws IOException {
        this.root = root;
        this.dataDir = Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("work"));
        this.logs = LogCapture.attach();
    }

    /** Starts a server on a new data dir under {@code root}. */
    public static TestServer start(Path root) throws Exception {
        TestServer s = new TestServer(root);
        s.startServer();
        return s;
    }

    private void startServer() throws Exception {
        startServer("random", "random", "random");
    }

    private void startServer(String httpPort, String httpsPort, String sshPort) throws Exception {
        server = FlowstageServer.start(List.of(
                "--data", dataDir.toString(),
                "--bind", "127.0.0.1",
                "--http-port", httpPort,
                "--https-port", httpsPort,
                "--ssh-port", sshPort,
                // the Node-RED and webhook receivers the tests start listen on 127.0.0.1, which outbound
                // calls reach only when the allow list names it (the default is public addresses only)
                "--outbound-allow", "127.0.0.1"),
                java.util.Map.of("FLOWSTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD));
    }

    /** Stops and starts the server again on the same data dir (as after a restart). */
    public void restart() throws Exception {
        server.close();
        startServer();
    }

    /** A restart that keeps the port numbers, so clients that were connected can come back by themselves. */
    public void restartOnSamePorts() throws Exception {
        String http = String.valueOf(httpPort());
        String https = String.valueOf(httpsPort());
        String ssh = String.valueOf(sshPort());
        server.close();
        startServer(http, https, ssh);
    }

    public int httpPort() {
        return server.httpPort();
    }

    public int httpsPort() {
        return server.httpsPort();
    }

    public int sshPort() {
        return server.sshPort();
    }

    public String httpBase() {
        return "http://127.0.0.1:" + httpPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A scratch directory for the test's clones, keys and files, outside the data dir. */
    public Path workDir() {
        return root.resolve("work");
    }

    /** The PEM of the generated self-signed certificate, for GIT_SSL_CAINFO. */
    public Path tlsCertificate() {
        return dataDir.resolve("tls").resolve("cert.pem");
    }

    public LogCapture logs() {
        return logs;
    }

    public ApiClient admin() {
        return ApiClient.basic(httpBase(), "admin", ADMIN_PASSWORD);
    }

    public ApiClient as(TestUser user) {
        return ApiClient.bearer(httpBase(), user.token());
    }

    public ApiClient anonymous() {
        return ApiClient.anonymous(httpBase());
    }

    /** Creates a user with a password, a write-scoped token and an ed25519 SSH key. */
    public TestUser newUser(String name) {
        String password = name + "-password-" + Long.toHexString(System.nanoTime());
        admin().expect(201, "POST", "/api/v1/users",
                "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
        ApiClient self = ApiClient.basic(httpBase(), name, password);
        String token = self.expect(201, "POST", "/api/v1/tokens", "{\"name\":\"test\",\"scope\":\"write\"}")
                .get("token").asText();
        Path key = SshKeyPairs.generate(workDir().resolve("keys"), name, "ed25519");
        self.expect(201, "POST", "/api/v1/user/keys",
                "{\"title\":\"laptop\",\"key\":\"" + SshKeyPairs.publicKeyLine(key) + "\"}");
        return new TestUser(name, password, token, key);
    }

    public FlowstageServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            logs.detach();
        }
    }

    static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
