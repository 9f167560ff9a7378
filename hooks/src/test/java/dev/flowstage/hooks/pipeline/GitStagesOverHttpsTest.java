package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.upstream.GitRemote;
import dev.flowstage.hooks.upstream.LighttpdGitRemote;
import java.nio.file.Path;

/** {@link GitStagesContract} over HTTPS: lighttpd + git http-backend, a test CA, a token in an integration. */
class GitStagesOverHttpsTest extends GitStagesContract {
    @Override
    GitRemote start(Path dir) throws Exception {
        return new LighttpdGitRemote(dir);
    }

    @Override
    void credentials(boolean wrong) {
        if (integrations.get(PipelineFixture.TEAM, "onprem").isPresent()) {
            integrations.delete(PipelineFixture.TEAM, "olga", "onprem");
        }
        integrations.create(PipelineFixture.TEAM, "olga", "onprem", "other", LighttpdGitRemote.USER,
                wrong ? "wrong-token" : LighttpdGitRemote.PASSWORD, ((LighttpdGitRemote) remote).caPem);
    }

    @Override
    String connection() {
        return "\"integration\":\"onprem\",";
    }
}
