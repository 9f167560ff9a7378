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

    @Test
    void afterACrashARunningPushFailsSayingWhereToLookAndAQueuedOneRuns() throws Exception {
        engine.close();
        f.commit("dev", PipelineFixture.flows("[]"), "dev work");
        Run running = f.runs.create(Run.queued("acme", "gitops", "dev", "dev", "git:review", "use_latest_snapshot", "olga"));
        f.runs.update("acme", running.id(), r -> r.started(f.clock.instant()));
        Run queued = f.runs.create(Run.queued("acme", "gitops", "dev", "dev", "git:review", "use_latest_snapshot", "olga"));

        engine = newEngine();
        engine.start();

        Run failed = f.awaitEnd(running.id());
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("server stopped during the push to the git stage; check the stage's branch and deploy again if"
                + " needed", failed.error());
        Run pushed = f.awaitEnd(queued.id());
        assertEquals(RunStatus.SUCCEEDED, pushed.status(), String.valueOf(pushed.error()));
        assertEquals(git("rev-parse", "refs/heads/staging").strip(), pushed.targetAfter());
    }

    @Test
    void aPlainHttpUrlIsRefusedBeforeAnyTokenIsSent() throws Exception {
        f.pipeline("{\"name\":\"plain-http\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":{\"integration\":\"onprem\","
                + "\"url\":\"" + remote.url("flows").replace("https://", "http://") + "\",\"branch\":\"main\"}}]}");
        f.commit("dev", PipelineFixture.flows("[]"), "dev work");

        Run run = f.awaitEnd(engine.deploy(PipelineFixture.TEAM, "plain-http", "dev", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("configuration problem: the git stage's URL is plain http://: tokens are sent over https:// only",
                run.error());
    }

    @Override
    String connection() {
        return "\"integration\":\"onprem\",";
    }
}
