package dev.flowstage.hooks.trigger;

import dev.flowstage.hooks.events.EventListener;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.hooks.pipeline.PipelineStore;
import dev.flowstage.hooks.pipeline.Stage;
import dev.flowstage.hooks.pipeline.StageTrigger;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.run.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onPush} trigger (SPEC §6): when a push moves a target's {@code main}, deploys every stage
 * that targets it and has {@code trigger.onPush}, unless its pipeline is paused, the new commit's
 * message contains the stage's {@code skipMarker}, or no changed file matches its {@code paths}.
 * Listens to {@code push} events on the bus, so it runs off the push's own thread.
 */
public final class PushTrigger implements EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(PushTrigger.class);
    private static final String MAIN = Constants.R_HEADS + "main";

    private final PipelineStore pipelines;
    private final PipelineRunner runner;
    private final RepoStore repos;

    public PushTrigger(PipelineStore pipelines, PipelineRunner runner, RepoStore repos) {
        this.pipelines = pipelines;
        this.runner = runner;
        this.repos = repos;
    }

    @Override
    public void onEvent(FlowstageEvent event) {
        if (event.type().equals(FlowstageEvent.PUSH) && MAIN.equals(event.data().get("ref"))
                && event.data().get("new") != null) {
            onMainPushed(event.team(), event.target(), (String) event.data().get("old"),
                    (String) event.data().get("new"), (String) event.data().get("actor"));
        }
    }

    /** Starts the deploys this push triggers and returns their runs. */
    public List<Run> onMainPushed(String team, String target, String oldSha, String newSha, String actor) {
        List<Run> started = new ArrayList<>();
        Pushed pushed = new Pushed(team, target, oldSha, newSha);
        for (Pipeline p : pipelinesOf(team)) {
            if (p.paused()) {
                continue;
            }
            for (Stage s : p.stages()) {
                StageTrigger t = s.trigger();
                if (t == null || !t.onPush() || !target.equals(s.target()) || !pushed.wanted(t)) {
                    continue;
                }
                Optional<String> snapshot = "prompt_snapshot".equals(s.effectiveAction())
                        ? Optional.of(newSha) : Optional.empty();
                try {
                    started.add(runner.deploy(team, p.name(), s.name(), snapshot, actor, PipelineRunner.PUSH));
                } catch (RuntimeException refused) {
                    // the pusher may not run this stage, or the stage cannot deploy: the push itself stands
                    LOG.info("push to {}/{} did not deploy stage {} of pipeline {}: {}", team, target, s.name(),
                            p.name(), refused.getMessage());
                }
            }
        }
        return started;
    }

    private List<Pipeline> pipelinesOf(String team) {
        try {
            return pipelines.list(team);
        } catch (RuntimeException broken) {
            LOG.warn("cannot read the pipelines of team {}: {}", team, broken.getMessage());
            return List.of();
        }
    }

    /** The pushed commit's message and changed files, read once and only when a stage asks. */
    private final class Pushed {
        final String team;
        final String target;
        final String oldSha;
        final String newSha;
        String message;
        List<String> changed;

        Pushed(String team, String target, String oldSha, String newSha) {
            this.team = team;
            this.target = target;
            this.oldSha = oldSha;
            this.newSha = newSha;
        }

        boolean wanted(StageTrigger t) {
            try {
                if (t.skipMarker() != null && !t.skipMarker().isEmpty() && message().contains(t.skipMarker())) {
                    return false;
                }
                if (t.paths().isEmpty()) {
                    return true;
                }
                List<PathGlob> globs = t.paths().stream().map(PathGlob::compile).toList();
                return changed().stream().anyMatch(path -> globs.stream().anyMatch(g -> g.matches(path)));
            } catch (IOException e) {
                LOG.warn("cannot read push {} of {}/{}: {}", newSha, team, target, e.getMessage());
                return false;
            }
        }

        private String message() throws IOException {
            if (message == null) {
                try (Repository repo = repos.open(new RepoName(team, target)); RevWalk rw = new RevWalk(repo)) {
                    message = rw.parseCommit(ObjectId.fromString(newSha)).getFullMessage();
                }
            }
            return message;
        }

        private List<String> changed() throws IOException {
            if (changed == null) {
                try (Repository repo = repos.open(new RepoName(team, target))) {
                    changed = ChangedPaths.between(repo, oldSha == null ? null : ObjectId.fromString(oldSha),
                            ObjectId.fromString(newSha));
                }
            }
            return changed;
        }
    }
}
