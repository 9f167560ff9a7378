package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.upstream.GitRemote;
import dev.flowstage.hooks.upstream.SshdGitRemote;
import java.nio.file.Path;

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
}
