package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link RunStore} that tells {@link RunListener}s of each run created and of each change of a run's status. */
final class ObservedRunStore implements RunStore {
    private static final Logger LOG = LoggerFactory.getLogger(ObservedRunStore.class);

    private final RunStore runs;
    private final List<RunListener> listeners;

    ObservedRunStore(RunStore runs, List<RunListener> listeners) {
        this.runs = runs;
        this.listeners = listeners;
    }

    @Override
    public Run create(Run run) {
        return tell(runs.create(run));
    }

    @Override
    public Optional<Run> get(String team, String id) {
        return runs.get(team, id);
    }

    @Override
    public List<Run> list(String team, String pipelineOrNull, int limit, String afterIdOrNull) {
        return runs.list(team, pipelineOrNull, limit, afterIdOrNull);
    }

    @Override
    public Run update(String team, String id, UnaryOperator<Run> edit) {
        RunStatus[] before = new RunStatus[1];
        Run after = runs.update(team, id, cur -> {
            before[0] = cur.status();
            return edit.apply(cur);
        });
        return after.status() != before[0] ? tell(after) : after;
    }

    @Override
    public List<Run> pending(String team) {
        return runs.pending(team);
    }

    @Override
    public List<Run> allNonTerminal() {
        return runs.allNonTerminal();
    }

    private Run tell(Run run) {
        for (RunListener l : listeners) {
            try {
                l.onRun(run);
            } catch (RuntimeException e) {
                LOG.warn("run listener {} failed on run {} of {}", l, run.id(), run.team(), e);
            }
        }
        return run;
    }
}
