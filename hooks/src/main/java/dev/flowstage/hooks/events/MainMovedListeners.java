package dev.flowstage.hooks.events;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners registered for {@code main} moving, called in registration order. A listener that
 * throws is logged and skipped: main has already moved, so its failure must not fail the push or review.
 */
public final class MainMovedListeners implements MainMovedListener {
    private static final Logger LOG = LoggerFactory.getLogger(MainMovedListeners.class);

    private final List<MainMovedListener> listeners = new CopyOnWriteArrayList<>();

    public void add(MainMovedListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        for (MainMovedListener l : listeners) {
            try {
                l.onMainMoved(team, target, oldSha, newSha, actor);
            } catch (RuntimeException e) {
                LOG.warn("main-moved listener {} failed for {}/{} at {}", l, team, target, newSha, e);
            }
        }
    }
}
