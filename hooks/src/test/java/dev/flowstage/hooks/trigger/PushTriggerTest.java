package dev.flowstage.hooks.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.hooks.pipeline.PipelineForbiddenException;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushTriggerTest {
    @TempDir
    Path data;
    TriggerFixture fx;
    PushTrigger trigger;

    @BeforeEach
    void start() throws Exception {
        fx = new TriggerFixture(data);
        trigger = new PushTrigger(fx.pipelines, fx.runner, fx.repos);
        fx.pipeline("{'name':'line-1','application':'app','stages':["
                + "{'name':'dev','instance':'dev','action':'use_latest_snapshot','trigger':{'onPush':true,"
                + "'paths':['flows.json','lib/**'],'skipMarker':'[skip deploy]'}},"
                + "{'name':'qa','instance':'qa','action':'prompt_snapshot','trigger':{'onPush':true}},"
                + "{'name':'prod','instance':'prod'}]}");
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private List<RecordingRunner.Call> push(String target, ObjectId old, ObjectId now) {
        fx.runner.calls.clear();
        trigger.onMainPushed("acme", target, old == null ? null : old.name(), now.name(), "olive");
        return List.copyOf(fx.runner.calls);
    }

    @Test
    void aPushToTheStagesTargetDeploysItWhenAWatchedPathChanged() throws Exception {
        ObjectId first = fx.commit("dev", null, "first", "flows.json", "[]", "README.md", "hi");
        List<RecordingRunner.Call> calls = push("dev", null, first);
        assertEquals(List.of(new RecordingRunner.Call("acme", "line-1", "dev", Optional.empty(), "olive",
                PipelineRunner.PUSH)), calls, "main created: every file counts as changed");

        ObjectId readme = fx.commit("dev", first, "docs", "flows.json", "[]", "README.md", "hello");
        assertEquals(List.of(), push("dev", first, readme), "README.md matches no glob");

        ObjectId lib = fx.commit("dev", readme, "helper", "flows.json", "[]", "README.md", "hello",
                "lib/util/a.js", "x");
        assertEquals(1, push("dev", readme, lib).size(), "lib/** matches lib/util/a.js");

        ObjectId skipped = fx.commit("dev", lib, "tweak flows\n\n[skip deploy] not yet", "flows.json", "[{}]",
                "README.md", "hello", "lib/util/a.js", "x");
        assertEquals(List.of(), push("dev", lib, skipped), "the skip marker in the message wins");
    }

    @Test
    void aPromptSnapshotStageDeploysThePushedCommitAndOtherTargetsTriggerNothing() throws Exception {
        ObjectId qa = fx.commit("qa", null, "qa change", "flows.json", "[]");
        List<RecordingRunner.Call> calls = push("qa", null, qa);
        assertEquals(1, calls.size());
        assertEquals("qa", calls.get(0).stage());
        assertEquals(Optional.of(qa.name()), calls.get(0).snapshot());

        ObjectId prod = fx.commit("prod", null, "prod", "flows.json", "[]");
        assertEquals(List.of(), push("prod", null, prod), "prod's stage has no trigger");
    }

    @Test
    void aPausedPipelineIgnoresPushes() throws Exception {
        fx.pipelines.setPaused("acme", "olive", "line-1", true);
        ObjectId first = fx.commit("dev", null, "first", "flows.json", "[]");
        assertEquals(List.of(), push("dev", null, first));
        fx.pipelines.setPaused("acme", "olive", "line-1", false);
        assertEquals(1, push("dev", null, first).size());
    }

    @Test
    void aRefusedDeployLeavesThePushAlone() throws Exception {
        fx.runner.refuse = new PipelineForbiddenException("viewers cannot deploy");
        ObjectId first = fx.commit("dev", null, "first", "flows.json", "[]");
        assertEquals(List.of(), trigger.onMainPushed("acme", "dev", null, first.name(), "vera"));
    }

    @Test
    void onlyPushEventsForMainReachTheTriggerThroughTheBus() throws Exception {
        ObjectId first = fx.commit("dev", null, "first", "flows.json", "[]");
        CountDownLatch delivered = new CountDownLatch(3);
        try (EventBus bus = new EventBus()) {
            // one subscription sees its events one at a time and in order: once this listener has passed
            // on the third, the trigger has handled all three
            bus.subscribe("acme", event -> {
                trigger.onEvent(event);
                delivered.countDown();
            });
            bus.publish(FlowstageEvent.push("acme", "dev", "refs/heads/feature", null, first.name(), "olive",
                    Instant.now()));
            bus.publish(FlowstageEvent.push("acme", "dev", "refs/heads/main", first.name(), null, "olive",
                    Instant.now()));
            bus.publish(FlowstageEvent.push("acme", "dev", "refs/heads/main", null, first.name(), "olive",
                    Instant.now()));
            assertTrue(delivered.await(10, TimeUnit.SECONDS), "the bus delivered the three events");
        }
        assertEquals(1, fx.runner.calls.size(), "a work branch and a deleted main trigger nothing");
        assertTrue(fx.runner.calls.get(0).trigger().equals(PipelineRunner.PUSH));
    }
}
