package dev.flowstage.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.testing.SshGitServer;
import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent fetches over SSH with the device's key and only from the host key it pinned. */
class SshFetchTest {
    @TempDir
    Path dir;
    private Repository served;
    private SshGitServer ssh;
    private Path keyFile;
    private ObjectId commit;

    @BeforeEach
    void serve() throws Exception {
        served = new FileRepository(dir.resolve("served.git").toFile());
        served.create(true);
        try (ObjectInserter ins = served.newObjectInserter()) {
            ObjectId tree = SnapshotWriter.insertTree(ins, Snapshot.EMPTY.with("flows.json", "[]"));
            ins.flush();
            commit = TestSigner.unsignedCommit(served, tree, null, "one\n");
        }
        RefUpdate u = served.updateRef("refs/heads/main");
        u.setNewObjectId(commit);
        u.update();
        KeyPair device = SshGitServer.ecKey();
        keyFile = Files.createDirectory(dir.resolve("keys")).resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(keyFile)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(device, "pi-1", null, out);
        }
        ssh = new SshGitServer(served, device.getPublic());
    }

    @AfterEach
    void stop() throws Exception {
        ssh.close();
        served.close();
    }

    private AgentConfig config(String hostKey) {
        return new AgentConfig("https://unused", "team", "pi-1", "unused", null,
                new AgentConfig.Git(ssh.url(), keyFile.toString(), hostKey), null, null, null);
    }

    @Test
    void fetchesMainOverSshWithThePinnedHostKey() {
        try (GitAccess access = GitAccess.from(config(ssh.hostKeyFingerprint()), null);
                DeviceRepository repo = DeviceRepository.open(dir.resolve("state"), access)) {
            assertThat(repo.fetchMain()).contains(commit);
            assertThat(repo.ref(DeviceRepository.FETCHED)).isEqualTo(commit);
        }
    }

    @Test
    void refusesAnotherHostKey() {
        String other = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        try (GitAccess access = GitAccess.from(config(other), null);
                DeviceRepository repo = DeviceRepository.open(dir.resolve("state"), access)) {
            assertThatThrownBy(repo::fetchMain).isInstanceOf(GitFetchException.class)
                    .hasMessageStartingWith("fetching refs/heads/main from " + ssh.url() + " failed");
            assertThat(repo.ref(DeviceRepository.FETCHED)).isNull();
        }
    }

    @Test
    void initLearnsTheHostKeyItThenPins() throws Exception {
        try (GitAccess access = GitAccess.forInit(ssh.url(), "pi-1", "unused", null, keyFile, null)) {
            assertThat(access.apply(Git.lsRemoteRepository()).setRemote(ssh.url()).setHeads(true).call())
                    .extracting(r -> r.getName()).contains("refs/heads/main");
            assertThat(access.seenHostKey()).isEqualTo(ssh.hostKeyFingerprint());
        }
    }
}
