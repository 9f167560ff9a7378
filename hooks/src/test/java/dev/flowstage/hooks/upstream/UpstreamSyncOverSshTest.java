package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.remote.testing.Cli;
import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.hooks.remote.testing.LighttpdGitRemote;
import dev.flowstage.hooks.remote.testing.SshdGitRemote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link UpstreamSyncContract} over SSH (OpenSSH's sshd, a key with a passphrase, a pinned host key). */
class UpstreamSyncOverSshTest extends UpstreamSyncContract {
    @Override
    GitRemote start(Path dir) throws Exception {
        return new SshdGitRemote(dir);
    }

    @Test
    void aHostKeyOtherThanThePinnedOneIsRefused() throws Exception {
        remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        Cli.run(tmp, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "other_host", "-C", "other");
        String other = "[127.0.0.1]:" + ((SshdGitRemote) remote).port + " "
                + Files.readString(tmp.resolve("other_host.pub")).strip();
        f.store.put(UpstreamFixture.TEAM, "olga", "line", UpstreamFixture.json("{\"url\": \"" + remote.url("flows")
                + "\", \"protocol\": \"ssh\", \"branch\": \"main\", \"intervalSeconds\": 120,"
                + " \"auth\": {\"key\": \"secret:remote/key\", \"passphrase\": \"secret:remote/passphrase\"},"
                + " \"knownHosts\": \"" + other + "\"}"));

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("host key does not match"), st.error());
    }

    /** git@host:/path, as GitHub and GitLab show it: accepted, followed, and named so in the commit. */
    @Test
    void anScpLikeUrlIsFollowed() throws Exception {
        String url = ((SshdGitRemote) remote).scpLikeUrl("flows");
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        f.store.put(UpstreamFixture.TEAM, "olga", "line", UpstreamFixture.json("{\"url\": \"" + url
                + "\", \"protocol\": \"ssh\", \"branch\": \"main\", \"intervalSeconds\": 120, " + remote.authJson() + "}"));
        f.store.setActive(UpstreamFixture.TEAM, "olga", "line", true);

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.IN_SYNC, st.state(), String.valueOf(st.error()));
        assertEquals(sha, st.lastApplied());
        assertTrue(f.message("line").contains("Flowstage-Source: " + url + "@" + sha), f.message("line"));
    }

    @Test
    void aMalformedScpLikeUrlIsRefusedWithItsReason() {
        dev.flowstage.storage.meta.MetaInvalidException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.flowstage.storage.meta.MetaInvalidException.class, () -> f.store.put(UpstreamFixture.TEAM, "olga",
                        "line", UpstreamFixture.json("{\"url\": \"git@127.0.0.1\", \"protocol\": \"ssh\","
                                + " \"branch\": \"main\", \"intervalSeconds\": 120, " + remote.authJson() + "}")));
        assertTrue(e.getMessage().contains("'url' is not a Git URL"), e.getMessage());
    }
}
