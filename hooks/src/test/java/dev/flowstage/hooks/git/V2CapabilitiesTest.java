package dev.flowstage.hooks.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 capability advertisement: JGit's, with ls-refs=unborn. */
class V2CapabilitiesTest {
    @TempDir
    Path dir;

    @Test
    void isJGitsAdvertisementWithUnbornAdded() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setBare(true).setInitialBranch("main").call()) {
            Repository repo = git.getRepository();
            ByteArrayOutputStream jgit = new ByteArrayOutputStream();
            UploadPack reference = v2(repo);
            reference.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(new PacketLineOut(jgit)), null);
            String expected = jgit.toString(StandardCharsets.UTF_8);
            assertTrue(expected.startsWith("000dversion 2000bls-refs"), expected);

            String ours = new String(V2Capabilities.of(v2(repo)), StandardCharsets.UTF_8);
            assertEquals(expected.replace("000bls-refs", "0012ls-refs=unborn"), ours);
            assertTrue(ours.endsWith("0000"), ours);
            assertFalse(ours.contains("000bls-refs"), ours);
        }
    }

    @Test
    void readsTheVersionFromTheProtocolParameters() {
        assertTrue(V2Capabilities.requested(List.of("object-format=sha1", "version=2")));
        assertFalse(V2Capabilities.requested(List.of("version=1")));
        assertFalse(V2Capabilities.requested(List.of()));
    }

    private static UploadPack v2(Repository repo) {
        UploadPack up = new UploadPack(repo);
        up.setExtraParameters(List.of("version=2"));
        return up;
    }
}
