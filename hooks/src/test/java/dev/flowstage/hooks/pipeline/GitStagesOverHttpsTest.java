package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.hooks.remote.testing.LighttpdGitRemote;
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

        Run run = awaitEnd(engine.deploy(PipelineFixture.TEAM, "gitops", "dev", Optional.empty(), "olga", "api").id());

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

        Run failed = awaitEnd(running.id());
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("server stopped during the push to the git stage; check the stage's branch and deploy again if"
                + " needed", failed.error());
        Run pushed = awaitEnd(queued.id());
        assertEquals(RunStatus.SUCCEEDED, pushed.status(), String.valueOf(pushed.error()));
        assertEquals(git("rev-parse", "refs/heads/staging").strip(), pushed.targetAfter());
    }

    @Test
    void aPlainHttpUrlIsRefusedBeforeAnyTokenIsSent() throws Exception {
        f.pipeline("{\"name\":\"plain-http\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":{\"integration\":\"onprem\","
                + "\"url\":\"" + remote.url("flows").replace("https://", "http://") + "\",\"branch\":\"main\"}}]}");
        f.commit("dev", PipelineFixture.flows("[]"), "dev work");

        Run run = awaitEnd(engine.deploy(PipelineFixture.TEAM, "plain-http", "dev", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("configuration problem: the git stage's URL is plain http://: tokens are sent over https:// only",
                run.error());
    }

    /**
     * A Git server that accepts the connection and never answers: push and pull fail with "timeout" (the stage's
     * limit per network step, 2 s here), and the engine's workers are free afterwards: a good deploy runs.
     */
    @Test
    void aRemoteThatHangsFailsTheRunWithATimeoutAndLeavesNoWorkerStuck() throws Exception {
        java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            engine.close();
            stages = new GitStageRemote(new dev.flowstage.hooks.remote.RemoteGit(new dev.flowstage.hooks.outbound
                    .OutboundConnector(dev.flowstage.hooks.outbound.AddressPolicy.parse("127.0.0.0/8"))), integrations,
                    teamSecrets, dev.flowstage.hooks.outbound.AddressPolicy.parse("127.0.0.0/8"),
                    dir.resolve("data/git-stages"), java.time.Duration.ofSeconds(2));
            engine = newEngine();
            f.pipeline("{\"name\":\"hang\",\"application\":\"factory\",\"stages\":["
                    + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":{\"integration\":\"onprem\","
                    + "\"url\":\"https://127.0.0.1:" + silent.getLocalPort() + "/flows.git\",\"branch\":\"main\"}},"
                    + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
            f.commit("dev", PipelineFixture.flows("[]"), "dev work");
            org.eclipse.jgit.lib.ObjectId qaBefore = f.main("qa");

            // more runs than the engine has workers, so a stuck worker would leave one queued for ever
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(engine.deploy(PipelineFixture.TEAM, "hang", "dev", Optional.empty(), "olga", "api").id());
            }
            ids.add(engine.deploy(PipelineFixture.TEAM, "hang", "repo", Optional.empty(), "olga", "api").id());

            for (String id : ids) {
                Run run = awaitEnd(id);
                assertEquals(RunStatus.FAILED, run.status(), id);
                assertTrue(run.error().startsWith("timeout: "), run.error());
            }
            assertTrue(held.size() >= ids.size(), "each run connected: " + held.size());
            assertEquals(qaBefore, f.main("qa"));
            Run good = awaitEnd(engine.deploy(PipelineFixture.TEAM, "gitops", "dev", Optional.empty(), "olga", "api").id());
            assertEquals(RunStatus.SUCCEEDED, good.status(), String.valueOf(good.error()));
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Override
    String connection() {
        return "\"integration\":\"onprem\",";
    }
}
