package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.upstream.GitRemote;
import dev.flowstage.hooks.upstream.LighttpdGitRemote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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

    @Test
    void aServerWhoseCaIsNotGivenIsNotTrusted() throws Exception {
        integrations.delete(PipelineFixture.TEAM, "olga", "onprem");
        integrations.create(PipelineFixture.TEAM, "olga", "onprem", "other", LighttpdGitRemote.USER,
                LighttpdGitRemote.PASSWORD, null);
        f.commit("dev", PipelineFixture.flows("[]"), "dev work");

        Run run = f.awaitEnd(engine.deploy(PipelineFixture.TEAM, "gitops", "dev", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.error().startsWith("TLS certificate not trusted"), run.error());
    }

    @Override
    String connection() {
        return "\"integration\":\"onprem\",";
    }
}
