package dev.flowstage.hooks.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.storage.meta.MetaNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineWebhookTest {
    @TempDir
    Path data;
    TriggerFixture fx;
    PipelineWebhook webhook;
    String secret;

    @BeforeEach
    void start() throws Exception {
        fx = new TriggerFixture(data);
        webhook = new PipelineWebhook(fx.pipelines, fx.runner, fx.secrets);
        fx.pipeline("{'name':'line-1','application':'app','stages':["
                + "{'name':'dev','instance':'dev'},{'name':'qa','instance':'qa'},{'name':'prod','instance':'prod'}]}");
        secret = fx.pipelines.webhookSecret(fx.pipelines.get("acme", "line-1").orElseThrow()).orElseThrow();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void theRightSecretDeploysTheFirstStageOrTheOneNamed() {
        PipelineWebhook.Outcome first = webhook.fire("acme", "line-1", secret, Optional.empty(), Optional.empty());
        assertEquals("dev", assertInstanceOf(PipelineWebhook.Started.class, first).run().stage());
        webhook.fire("acme", "line-1", secret, Optional.of("qa"), Optional.of("abc"));
        assertEquals(List.of(
                new RecordingRunner.Call("acme", "line-1", "dev", Optional.empty(), "webhook", PipelineRunner.WEBHOOK),
                new RecordingRunner.Call("acme", "line-1", "qa", Optional.of("abc"), "webhook", PipelineRunner.WEBHOOK)),
                fx.runner.calls);
    }

    @Test
    void unknownPipelinesAndWrongSecretsFailAlike() {
        String wrong = secret.substring(0, secret.length() - 1) + (secret.endsWith("a") ? "b" : "a");
        List<String[]> calls = List.of(new String[] {"acme", "line-1", wrong}, new String[] {"acme", "nope", secret},
                new String[] {"nope", "line-1", secret}, new String[] {"acme", "line-1", ""},
                new String[] {"ACME!", "line-1", secret}, new String[] {"acme", "line-1", secret + "x"});
        for (String[] c : calls) {
            MetaNotFoundException e = assertThrows(MetaNotFoundException.class,
                    () -> webhook.fire(c[0], c[1], c[2], Optional.empty(), Optional.empty()));
            assertEquals(PipelineWebhook.NOT_FOUND, e.getMessage());
        }
        assertTrue(fx.runner.calls.isEmpty());
    }

    @Test
    void aPausedPipelineRunsNothingAndSaysSo() {
        fx.pipelines.setPaused("acme", "olive", "line-1", true);
        PipelineWebhook.Outcome o = webhook.fire("acme", "line-1", secret, Optional.empty(), Optional.empty());
        assertEquals("pipeline line-1 is paused: nothing was run",
                assertInstanceOf(PipelineWebhook.Paused.class, o).message());
        assertTrue(fx.runner.calls.isEmpty());
        // still a secret check first: a wrong secret on a paused pipeline is the same 404
        assertThrows(MetaNotFoundException.class, () -> webhook.fire("acme", "line-1", "x", Optional.empty(),
                Optional.empty()));
    }

    @Test
    void comparisonIsOverFixedLengthDigests() {
        assertTrue(PipelineWebhook.constantTimeEquals("abc", "abc"));
        assertFalse(PipelineWebhook.constantTimeEquals("abc", "abd"));
        assertFalse(PipelineWebhook.constantTimeEquals("abc", "abcd"));
        assertFalse(PipelineWebhook.constantTimeEquals("abc", ""));
    }
}
