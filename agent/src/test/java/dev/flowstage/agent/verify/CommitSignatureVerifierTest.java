package dev.flowstage.agent.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstage.agent.testing.TestSigner;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitSignatureVerifierTest {
    private static TestSigner server;
    private static TestSigner stranger;

    @TempDir
    Path dir;
    private Repository repo;
    private CommitSignatureVerifier verifier;
    private ObjectId tree;
    private ObjectId otherTree;

    @BeforeAll
    static void keys() {
        server = TestSigner.generate("Flowstage server <server@flowstage.test>");
        stranger = TestSigner.generate("Someone else <else@example.test>");
    }

    @BeforeEach
    void repo() throws IOException {
        repo = new FileRepository(dir.resolve("r.git").toFile());
        repo.create(true);
        verifier = new CommitSignatureVerifier(ServerSigningKey.parse(server.armoredPublicKey()));
        tree = tree("[{\"id\":\"a\",\"type\":\"tab\"}]");
        otherTree = tree("[{\"id\":\"evil\",\"type\":\"exec\",\"command\":\"rm -rf /\"}]");
    }

    @Test
    void acceptsACommitSignedByTheServerKey() throws IOException {
        ObjectId c = server.signedCommit(repo, tree, null, "deploy 1\n");
        assertThatNoException().isThrownBy(() -> verifier.verify(c.name(), raw(c)));
    }

    @Test
    void acceptsASignedCommitWithAParentAndAMultiLineMessage() throws IOException {
        ObjectId first = server.signedCommit(repo, tree, null, "deploy 1\n");
        ObjectId second = server.signedCommit(repo, otherTree, first, "deploy 2\n\nwith a body\n\nand more\n");
        assertThatNoException().isThrownBy(() -> verifier.verify(second.name(), raw(second)));
    }

    @Test
    void refusesAnUnsignedCommit() throws IOException {
        ObjectId c = TestSigner.unsignedCommit(repo, tree, null, "deploy 1\n");
        assertThatThrownBy(() -> verifier.verify(c.name(), raw(c)))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessage("commit " + c.name().substring(0, 12) + " is not signed: refusing to deploy it");
    }

    @Test
    void refusesACommitWhoseTreeWasChangedAfterSigning() throws IOException {
        ObjectId c = server.tamperedCommit(repo, tree, otherTree, null, "deploy 1\n");
        assertThatThrownBy(() -> verifier.verify(c.name(), raw(c)))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("signature does not match its content (the commit was changed after it was signed)");
    }

    @Test
    void refusesACommitWhoseMessageWasChangedAfterSigning() throws IOException {
        ObjectId c = server.signedCommit(repo, tree, null, "deploy 1\n");
        String raw = new String(raw(c), StandardCharsets.UTF_8).replace("deploy 1", "deploy 2");
        ObjectId changed = insertCommit(raw.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verifier.verify(changed.name(), raw(changed)))
                .isInstanceOf(SignatureRefusedException.class).hasMessageContaining("does not match its content");
    }

    @Test
    void refusesACommitSignedByAnotherKey() throws IOException {
        ObjectId c = stranger.signedCommit(repo, tree, null, "deploy 1\n");
        assertThatThrownBy(() -> verifier.verify(c.name(), raw(c)))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("is signed by another key (fingerprint ")
                .hasMessageContaining("not the server's key " + ServerSigningKey.parse(server.armoredPublicKey()).fingerprint());
    }

    @Test
    void refusesAGpgsigHeaderThatIsNoSignature() throws IOException {
        ObjectId c = TestSigner.unsignedCommit(repo, tree, null, "deploy 1\n");
        String raw = new String(raw(c), StandardCharsets.UTF_8);
        String withJunk = raw.replaceFirst("\n\n", "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n bm90IGEgc2lnbmF0dXJl\n -----END PGP SIGNATURE-----\n\n");
        ObjectId junk = insertCommit(withJunk.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verifier.verify(junk.name(), raw(junk)))
                .isInstanceOf(SignatureRefusedException.class).hasMessageContaining("refusing to deploy it");
    }

    @Test
    void refusesTwoGpgsigHeaders() throws IOException {
        ObjectId c = server.signedCommit(repo, tree, null, "deploy 1\n");
        String raw = new String(raw(c), StandardCharsets.UTF_8);
        int start = raw.indexOf("gpgsig ");
        int end = raw.indexOf("-----END PGP SIGNATURE-----", start) + "-----END PGP SIGNATURE-----\n".length();
        String twice = raw.substring(0, end) + raw.substring(start, end) + raw.substring(end);
        ObjectId doubled = insertCommit(twice.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verifier.verify(doubled.name(), raw(doubled)))
                .isInstanceOf(SignatureRefusedException.class).hasMessageContaining("more than one gpgsig header");
    }

    @Test
    void theSignedPayloadIsTheCommitWithoutItsGpgsigHeader() throws IOException {
        ObjectId unsigned = TestSigner.unsignedCommit(repo, tree, null, "same\n");
        ObjectId signed = server.signedCommit(repo, tree, null, "same\n");
        SignedCommit parts = SignedCommit.split(raw(signed));
        // same author time to the second is likely but not certain: compare without the ident lines
        assertThat(stripIdents(new String(parts.payload(), StandardCharsets.UTF_8)))
                .isEqualTo(stripIdents(new String(raw(unsigned), StandardCharsets.UTF_8)));
        assertThat(parts.signature()).startsWith("-----BEGIN PGP SIGNATURE-----\n").endsWith("-----END PGP SIGNATURE-----\n");
    }

    @Test
    void aPinnedKeyWithAnotherFingerprintIsRefused() {
        String otherFingerprint = ServerSigningKey.parse(stranger.armoredPublicKey()).fingerprint();
        assertThatThrownBy(() -> ServerSigningKey.pinned(server.armoredPublicKey(), otherFingerprint))
                .hasMessageContaining("not the pinned " + otherFingerprint);
    }

    @Test
    void aKeyThatIsNoKeyIsRefused() {
        assertThatThrownBy(() -> ServerSigningKey.parse("hello"))
                .hasMessageStartingWith("the signing key is not an armored OpenPGP public key");
    }

    private static String stripIdents(String raw) {
        return raw.replaceAll("(?m)^(author|committer) .*\n", "");
    }

    private ObjectId tree(String flows) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId t = SnapshotWriter.insertTree(ins, Snapshot.EMPTY.with("flows.json", flows));
            ins.flush();
            return t;
        }
    }

    private ObjectId insertCommit(byte[] raw) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(org.eclipse.jgit.lib.Constants.OBJ_COMMIT, raw);
            ins.flush();
            return id;
        }
    }

    private byte[] raw(ObjectId id) throws IOException {
        try (RevWalk w = new RevWalk(repo)) {
            return w.parseCommit(id).getRawBuffer().clone();
        }
    }
}
