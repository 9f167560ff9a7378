package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.hooks.remote.testing.SshdGitRemote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link GitStagesContract} over SSH: OpenSSH's sshd, a key with a passphrase, a pinned known_hosts line. */
class GitStagesOverSshTest extends GitStagesContract {
    @Override
    GitRemote start(Path dir) throws Exception {
        return new SshdGitRemote(dir);
    }

    @Override
    void credentials(boolean wrong) {
        SshdGitRemote ssh = (SshdGitRemote) remote;
        teamSecrets.put(PipelineFixture.TEAM, "olga", "remote/key", ssh.privateKey);
        teamSecrets.put(PipelineFixture.TEAM, "olga", "remote/passphrase",
                wrong ? "wrong passphrase" : SshdGitRemote.PASSPHRASE);
    }

    @Override
    String connection() {
        return "\"ssh\":{\"key\":\"secret:remote/key\",\"passphrase\":\"secret:remote/passphrase\",\"knownHosts\":\""
                + ((SshdGitRemote) remote).knownHosts + "\"},";
    }

    /** git@host:/path, as GitHub and GitLab show it: push and pull over the same stage. */
    @Test
    void anScpLikeUrlPushesAndPulls() throws Exception {
        String url = ((SshdGitRemote) remote).scpLikeUrl("flows");
        f.pipeline("{\"name\":\"scp\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"repo\",\"git\":{" + connection() + "\"url\":\"" + url + "\",\"branch\":\"scp\"}},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n1\",\"type\":\"inject\",\"name\":\"scp\"}]"), "dev work");

        Run push = awaitEnd(engine.deploy(PipelineFixture.TEAM, "scp", "dev", Optional.empty(), "olga", "api").id());
        Run pull = awaitEnd(engine.deploy(PipelineFixture.TEAM, "scp", "repo", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.SUCCEEDED, push.status(), String.valueOf(push.error()));
        assertEquals(git("rev-parse", "refs/heads/scp").strip(), push.targetAfter());
        assertTrue(push.log().stream().anyMatch(l -> l.message().contains(" to scp of " + url + " ")), push.log().toString());
        assertEquals(RunStatus.SUCCEEDED, pull.status(), String.valueOf(pull.error()));
        assertEquals(push.targetAfter(), pull.sourceCommit());
        assertTrue(new String(f.snapshot("qa", f.main("qa")).bytes("flows.json").orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8).contains("\"scp\""));
    }
}
