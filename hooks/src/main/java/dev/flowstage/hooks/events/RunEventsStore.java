package dev.flowstage.hooks.events;

import dev.flowstage.storage.run.RolloutProgress;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link RunStore} that publishes a {@code run} event when a run is created and whenever its status
 * changes, after the change is stored. Whoever runs pipelines gets run events by being handed this
 * store, without knowing about the bus.
 */
public final class RunEventsStore implements RunStore {
    private final RunStore delegate;
    private final EventPublisher events;
    private final Clock clock;

    public RunEventsStore(RunStore delegate, EventPublisher events, Clock clock) {
        this.delegate = delegate;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Run create(Run run) {
        Run created = delegate.create(run);
        publish(created);
        return created;
    }

    @Override
    public Run update(String team, String id, UnaryOperator<Run> edit) {
        // the edit may be re-applied on a concurrent change: the last application's "before" is the stored one
        Run[] before = new Run[1];
        Run after = delegate.update(team, id, current -> {
            before[0] = current;
            return edit.apply(current);
        });
        if (before[0] == null || before[0].status() != after.status()
                || !Objects.equals(counts(before[0].rollout()), counts(after.rollout()))) {
            publish(after);
        }
        return after;
    }

    private void publish(Run r) {
        events.publish(FlowstageEvent.run(r.team(), r.target(), r.pipeline(), r.stage(), r.id(), r.status().json(),
                r.actor(), clock.instant(), counts(r.rollout())));
    }

    /** What a run event tells of a rollout: the wave and the device counts (null without a rollout). */
    static Map<String, Object> counts(RolloutProgress p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wave", p.wave());
        m.put("waves", p.waves().size());
        m.put("devices", p.devices().size());
        m.put("onTarget", p.onTarget());
        m.put("pending", p.pending());
        m.put("failed", p.failed());
        m.put("offline", p.offline());
        m.put("putBack", p.putBack());
        return m;
    }

    @Override
    public Optional<Run> get(String team, String id) {
        return delegate.get(team, id);
    }

    @Override
    public List<Run> list(String team, String pipelineOrNull, int limit, String afterIdOrNull) {
        return delegate.list(team, pipelineOrNull, limit, afterIdOrNull);
    }

    @Override
    public List<Run> pending(String team) {
        return delegate.pending(team);
    }

    @Override
    public List<Run> allNonTerminal() {
        return delegate.allNonTerminal();
    }
}
