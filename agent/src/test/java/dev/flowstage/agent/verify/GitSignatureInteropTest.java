package dev.flowstage.agent.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstage.agent.testing.TestSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier agrees with the real {@code git} and GnuPG: a commit signed by {@code git commit -S} verifies
 * with the agent (the server's signatures are promised to be what {@code git verify-commit} checks), and
 * the test signer's commits pass {@code git verify-commit}, so the other tests' signatures are the real format.
 */
class GitSignatureInteropTest {
    @TempDir
    Path dir;
    private Path gnupg;
    private Path work;

    @BeforeEach
    void gpgHome() throws Exception {
        gnupg = Files.createDirectory(dir.resolve("g"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        work = Files.createDirectory(dir.resolve("w"));
        run(work, "git", "init", "-q", "-b", "main");
        Files.writeString(work.resolve("flows.json"), "[{\"id\":\"a\",\"type\":\"tab\"}]\n");
        run(work, "git", "add", "flows.json");
    }

    @AfterEach
    void stopAgent() throws Exception {
        run(dir, "gpgconf", "--kill", "gpg-agent");
    }

    @Test
    void aCommitSignedByGitWithGnupgVerifies() throws Exception {
        run(dir, "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                "Flowstage server <server@flowstage.test>", "ed25519", "sign", "never");
        String fingerprint = fingerprint();
        String armored = run(dir, "gpg", "--armor", "--export", fingerprint);
        run(work, "git", "-c", "user.name=Flowstage", "-c", "user.email=server@flowstage.test", "-c", "gpg.program=gpg",
                "-c", "user.signingkey=" + fingerprint, "commit", "-q", "-S", "-m", "deploy 1");
        ObjectId head;
        byte[] raw;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
                RevWalk walk = new RevWalk(repo)) {
            head = repo.resolve("HEAD");
            raw = walk.parseCommit(head).getRawBuffer().clone();
        }
        ServerSigningKey key = ServerSigningKey.pinned(armored, fingerprint);
        assertThat(key.fingerprint()).isEqualTo(fingerprint);
        assertThatNoException().isThrownBy(() -> new CommitSignatureVerifier(key).verify(head.name(), raw));

        // and the same bytes with one changed character are refused
        String changed = new String(raw, StandardCharsets.UTF_8).replace("deploy 1", "deploy 9");
        assertThatThrownBy(() -> new CommitSignatureVerifier(key).verify(head.name(), changed.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SignatureRefusedException.class);
    }

    @Test
    void aCommitSignedByTheTestSignerPassesGitVerifyCommit() throws Exception {
        TestSigner signer = TestSigner.generate("Flowstage server <server@flowstage.test>");
        Path key = dir.resolve("key.asc");
        Files.writeString(key, signer.armoredPublicKey());
        run(dir, "gpg", "--batch", "--import", key.toString());
        ObjectId commit;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            run(work, "git", "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "base");
            ObjectId tree;
            try (RevWalk w = new RevWalk(repo)) {
                tree = w.parseCommit(repo.resolve("HEAD")).getTree();
            }
            commit = signer.signedCommit(repo, tree, repo.resolve("HEAD"), "deploy 2\n");
        }
        String out = run(work, "git", "-c", "gpg.program=gpg", "verify-commit", "-v", commit.name());
        assertThat(out).contains("Good signature");
    }

    private String fingerprint() throws Exception {
        for (String line : run(dir, "gpg", "--with-colons", "--list-keys").split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new AssertionError("gpg listed no fingerprint");
    }

    private String run(Path cwd, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(cwd.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GNUPGHOME", gnupg.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("HOME", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + " failed:\n" + out).isZero();
        return out;
    }
}
