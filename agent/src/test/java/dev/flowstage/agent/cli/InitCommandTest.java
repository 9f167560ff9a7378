package dev.flowstage.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.agent.Main;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.config.AgentConfigFile;
import dev.flowstage.agent.testing.FakeFlowstageServer;
import dev.flowstage.agent.testing.TestCertificate;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.agent.tls.CertificateFingerprint;
import dev.flowstage.agent.verify.ServerSigningKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code agent init} against a stand-in server over HTTPS, and the messages a user sees when something is off. */
class InitCommandTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static FakeFlowstageServer server;
    private static TestSigner signer;

    @BeforeAll
    static void startServer() throws Exception {
        signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        server = new FakeFlowstageServer(shared, signer.armoredPublicKey());
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    record Result(int exit, String out, String err) {}

    private Result agent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result init(String... extra) {
        List<String> args = new ArrayList<>(List.of("init", "--server", server.url(), "--device", "team/pi-1",
                "--token", server.token(), "--node-red", "http://127.0.0.1:" + closedPort(),
                "--config", dir.resolve("config.json").toString()));
        args.addAll(List.of(extra));
        return agent(args.toArray(String[]::new));
    }

    @Test
    void pinsTheCertificateAndTheSigningKeyAndWritesTheConfig() throws Exception {
        Result r = init();
        assertThat(r.exit()).as(r.err()).isZero();
        String fingerprint = CertificateFingerprint.of(server.certificate().certificate());
        String keyFingerprint = ServerSigningKey.parse(signer.armoredPublicKey()).fingerprint();
        assertThat(r.out()).contains("Server certificate SHA-256 " + fingerprint + " (pinned)")
                .contains("Signing key " + keyFingerprint + " (pinned)")
                .contains("Repository " + server.url() + "/git/team/pi-1.git readable")
                .contains("Run the agent with: java -jar flowstage-agent.jar run --config ");
        assertThat(r.err()).contains("warning: Node-RED at http://127.0.0.1:").contains("is not reachable");
        AgentConfig cfg = AgentConfigFile.read(dir.resolve("config.json"));
        assertThat(cfg.tls().pinnedSha256()).isEqualTo(fingerprint);
        assertThat(cfg.signingKey().fingerprint()).isEqualTo(keyFingerprint);
        assertThat(cfg.signingKey().armored()).isEqualTo(signer.armoredPublicKey());
        assertThat(cfg.git().url()).isEqualTo(server.url() + "/git/team/pi-1.git");
        assertThat(cfg.token()).isEqualTo(server.token());
        assertThat(r.out() + r.err()).doesNotContain(server.token());
    }

    @Test
    void anExpectedFingerprintThatDiffersIsRefused() {
        String other = CertificateFingerprint.of(TestCertificate.generate().certificate());
        Result r = init("--tls-fingerprint", other);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("flowstage-agent: the server shows a TLS certificate with SHA-256 "
                + CertificateFingerprint.of(server.certificate().certificate()) + ", not the expected " + other);
        assertThat(dir.resolve("config.json")).doesNotExist();
    }

    @Test
    void aCaFileCanStandInForThePin() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, server.certificate().pem());
        Result r = init("--ca-file", ca.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(AgentConfigFile.read(dir.resolve("config.json")).tls().caFile()).isEqualTo(ca.toAbsolutePath().toString());
    }

    @Test
    void aCaFileThatDoesNotCoverTheServerIsRefused() throws Exception {
        Path ca = dir.resolve("other.pem");
        Files.writeString(ca, TestCertificate.generate().pem());
        Result r = init("--ca-file", ca.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("flowstage-agent: the server " + server.url() + "/ failed the TLS check while reading the device");
    }

    @Test
    void aBadTokenIsNamed() {
        List<String> args = List.of("init", "--server", server.url(), "--device", "team/pi-1", "--token", "wrong",
                "--node-red", "http://127.0.0.1:1880", "--config", dir.resolve("config.json").toString());
        Result r = agent(args.toArray(String[]::new));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("flowstage-agent: the server " + server.url() + "/ refused the device token (401)"
                + " while reading the device: the token is not valid (revoked or mistyped? provision the device again with a new token)");
    }

    @Test
    void aTokenOfAnotherDeviceIsNamed() {
        Result r = agent("init", "--server", server.url(), "--device", "team/pi-2", "--token", server.token(),
                "--node-red", "http://127.0.0.1:1880", "--config", dir.resolve("config.json").toString());
        assertThat(r.err().strip()).isEqualTo("flowstage-agent: the token belongs to device team/pi-1, not team/pi-2");
    }

    @Test
    void anUnreachableServerIsNamed() {
        int port = closedPort();
        Result r = agent("init", "--server", "https://127.0.0.1:" + port, "--device", "team/pi-1", "--token", "t",
                "--node-red", "http://127.0.0.1:1880", "--config", dir.resolve("config.json").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("flowstage-agent: the server https://127.0.0.1:" + port
                + " is not reachable (connection refused): is it running, and is " + port + " its HTTPS port?");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThat(agent("init", "--server", "ftp://x", "--device", "team/pi-1", "--token", "t", "--node-red", "http://x").err().strip())
                .isEqualTo("flowstage-agent: --server 'ftp://x' is not an http:// or https:// URL with a host");
        assertThat(agent("init", "--server", "https://x", "--device", "pi-1", "--token", "t", "--node-red", "http://x").err().strip())
                .isEqualTo("flowstage-agent: --device 'pi-1' is not TEAM/NAME (lower-case letters, digits and dashes)");
        assertThat(agent("init", "--server", "https://x", "--device", "team/pi-1", "--token", "t", "--node-red", "localhost:1880").err().strip())
                .isEqualTo("flowstage-agent: --node-red 'localhost:1880' is not an http:// or https:// URL with a host");
        assertThat(agent("init", "--server", "https://x", "--device", "team/pi-1", "--node-red", "http://x").err().strip())
                .isEqualTo("flowstage-agent: give the device token with --token or the FLOWSTAGE_DEVICE_TOKEN environment variable");
        Result missing = agent("init", "--server", "https://x");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required options");
    }

    @Test
    void everyCommandHasHelpAndVersion() {
        for (String cmd : List.of("init", "run", "snapshot")) {
            Result help = agent(cmd, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).startsWith("Usage: flowstage-agent " + cmd);
            Result version = agent(cmd, "-V");
            assertThat(version.exit()).isZero();
            assertThat(version.out()).startsWith("flowstage-agent ");
        }
        assertThat(agent("--version").out()).startsWith("flowstage-agent ");
    }

    @Test
    void runWithoutAConfigSaysToRunInit() {
        Path missing = dir.resolve("none.json");
        assertThat(agent("run", "--config", missing.toString()).err().strip()).isEqualTo("flowstage-agent: no config file at "
                + missing + ": provision the device with `flowstage-agent init` (or name the file with --config)");
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
