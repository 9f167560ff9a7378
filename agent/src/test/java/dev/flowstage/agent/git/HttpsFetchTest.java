package dev.flowstage.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.testing.FakeFlowstageServer;
import dev.flowstage.agent.testing.TestCertificate;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.agent.tls.CertificateFingerprint;
import dev.flowstage.agent.tls.ServerTrust;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JGit's HTTPS fetch trusts the server only through the pinned certificate or the CA file, and names what failed. */
class HttpsFetchTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    private static FakeFlowstageServer server;
    private static ObjectId commit;

    @BeforeAll
    static void serve() throws Exception {
        TestSigner signer = TestSigner.generate("s <s@s>");
        server = new FakeFlowstageServer(shared, signer.armoredPublicKey());
        try (ObjectInserter ins = server.repository().newObjectInserter()) {
            ObjectId tree = SnapshotWriter.insertTree(ins, Snapshot.EMPTY.with("flows.json", "[]"));
            ins.flush();
            commit = signer.signedCommit(server.repository(), tree, null, "one\n");
        }
        server.setMain(commit);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private AgentConfig config(String token) {
        return new AgentConfig(server.url(), "team", "pi-1", token, null,
                new AgentConfig.Git(server.url() + "/git/team/pi-1.git", null, null), null, null, null);
    }

    @Test
    void fetchesWithThePinnedCertificate() {
        ServerTrust trust = ServerTrust.pinned(CertificateFingerprint.of(server.certificate().certificate()));
        try (GitAccess access = GitAccess.from(config(server.token()), trust);
                DeviceRepository repo = DeviceRepository.open(dir, access)) {
            assertThat(repo.fetchMain()).contains(commit);
            assertThat(repo.fetchDevice()).isEmpty(); // the device has uploaded nothing yet
        }
    }

    @Test
    void fetchesThroughACaFile() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, server.certificate().pem());
        try (GitAccess access = GitAccess.from(config(server.token()), ServerTrust.caFile(ca));
                DeviceRepository repo = DeviceRepository.open(dir.resolve("state"), access)) {
            assertThat(repo.fetchMain()).contains(commit);
        }
    }

    @Test
    void anotherCertificateIsRefused() {
        ServerTrust trust = ServerTrust.pinned(CertificateFingerprint.of(TestCertificate.generate().certificate()));
        try (GitAccess access = GitAccess.from(config(server.token()), trust);
                DeviceRepository repo = DeviceRepository.open(dir, access)) {
            assertThatThrownBy(repo::fetchMain).isInstanceOf(GitFetchException.class)
                    .hasMessageContaining("is not the pinned one");
            assertThat(repo.ref(DeviceRepository.FETCHED)).isNull();
        }
    }

    @Test
    void aWrongTokenIsNamedAndNeverShown() {
        ServerTrust trust = ServerTrust.pinned(CertificateFingerprint.of(server.certificate().certificate()));
        try (GitAccess access = GitAccess.from(config("wrong-token-xyz"), trust);
                DeviceRepository repo = DeviceRepository.open(dir, access)) {
            assertThatThrownBy(repo::fetchMain).isInstanceOf(GitFetchException.class)
                    .hasMessageStartingWith("fetching refs/heads/main from " + server.url() + "/git/team/pi-1.git failed:")
                    .hasMessageContaining("not authorized")
                    .message().doesNotContain("wrong-token-xyz");
        }
    }
}
