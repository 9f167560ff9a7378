package dev.flowstage.storage.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitSignaturesTest {
    @TempDir
    Path dir;

    @Test
    void theKeyIsGeneratedOnceOwnerOnlyAndReadBack() throws IOException {
        Path file = dir.resolve("signing").resolve("key.asc");
        SigningKey first = SigningKey.loadOrCreate(file, "Flowstage <flowstage@localhost>", Instant.now());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        SigningKey again = SigningKey.loadOrCreate(file, "ignored", Instant.now());
        assertEquals(first.fingerprint(), again.fingerprint());
        assertTrue(first.fingerprint().matches("[0-9A-F]{40}"));
        assertTrue(first.armoredPublicKey().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assertFalse(first.armoredPublicKey().contains("PRIVATE"));
    }

    @Test
    void aSignedCommitVerifiesWithGitAndInJavaAndATamperedOneDoesNot() throws Exception {
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("key.asc"), "Flowstage test <flowstage@localhost>",
                Instant.now());
        CommitSignatures signatures = new CommitSignatures(key, Clock.systemUTC());
        Path gitDir = dir.resolve("repo.git");
        ObjectId id;
        byte[] raw;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build()) {
            repo.create(true);
            try (ObjectInserter ins = repo.newObjectInserter()) {
                TreeFormatter tree = new TreeFormatter();
                tree.append("flows.json", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, "[]".getBytes()));
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(ins.insert(tree));
                PersonIdent who = new PersonIdent("flowstage", "flowstage@flowstage");
                cb.setAuthor(who);
                cb.setCommitter(who);
                cb.setMessage("Promote dev@abcdef0 to pis\n\nFlowstage-Run: 7\n");
                signatures.sign(cb);
                id = ins.insert(cb);
                ins.flush();
                raw = repo.open(id).getBytes();
            }
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setNewObjectId(id);
            ru.forceUpdate();
        }
        assertTrue(CommitSignatures.verify(raw, key.publicKey()));
        byte[] tampered = new String(raw, StandardCharsets.UTF_8).replace("Flowstage-Run: 7", "Flowstage-Run: 8")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(CommitSignatures.verify(tampered, key.publicKey()));
        SigningKey other = SigningKey.loadOrCreate(dir.resolve("other.asc"), "other", Instant.now());
        assertFalse(CommitSignatures.verify(raw, other.publicKey()));

        Path gnupg = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path pub = dir.resolve("key.pub.asc");
        Files.writeString(pub, key.armoredPublicKey());
        run(Map.of("GNUPGHOME", gnupg.toString()), "gpg", "--batch", "--import", pub.toString());
        String out = run(Map.of("GNUPGHOME", gnupg.toString()), "git", "--git-dir=" + gitDir, "verify-commit", "-v",
                id.name());
        assertTrue(out.contains("Good signature"), out);
        assertTrue(out.contains(key.fingerprint().substring(24)), out);
    }

    private static String run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
