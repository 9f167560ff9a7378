package dev.flowstage.hooks.events;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registered {@link DevicesMovedListener}s; one that throws is logged and skipped (the refs have moved). */
public final class DevicesMovedListeners implements DevicesMovedListener {
    private static final Logger LOG = LoggerFactory.getLogger(DevicesMovedListeners.class);

    private final List<DevicesMovedListener> listeners = new CopyOnWriteArrayList<>();

    public void add(DevicesMovedListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void onDevicesMoved(String team, List<DeviceMove> moves, String actor) {
        if (moves.isEmpty()) {
            return;
        }
        for (DevicesMovedListener l : listeners) {
            try {
                l.onDevicesMoved(team, moves, actor);
            } catch (RuntimeException e) {
                LOG.warn("devices-moved listener {} failed for {} device(s) of team {}", l, moves.size(), team, e);
            }
        }
    }
}
