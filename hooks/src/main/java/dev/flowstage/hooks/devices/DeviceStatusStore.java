package dev.flowstage.hooks.devices;

import dev.flowstage.hooks.events.EventPublisher;
import dev.flowstage.hooks.events.FlowstageEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' last status reports, kept in memory and off the Git metadata path (devices report
 * often). Saved to one file ({@link DeviceStatusFile}) every {@code flushEvery} when something changed
 * and at {@link #close()}, so a restart keeps every report up to the last flush; a crash loses at most
 * the reports of the last {@code flushEvery}. Each report is published as a {@code device} event.
 */
public final class DeviceStatusStore implements ActiveCommits, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStatusStore.class);
    public static final Duration DEFAULT_FLUSH_EVERY = Duration.ofSeconds(5);

    private final Map<String, DeviceStatus> statuses = new ConcurrentHashMap<>();
    private final DeviceStatusFile file;
    private final EventPublisher events;
    private final Clock clock;
    private final BiPredicate<String, String> deviceExists;
    // bumped by every change; the flush writes when it moved since the last write
    private final AtomicLong changes = new AtomicLong();
    private long flushed;
    private final ScheduledExecutorService flusher;
    private final List<DeviceReportListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Loads {@code file} (when present) and flushes to it every {@code flushEvery}; {@code file} null
     * keeps statuses in memory only. {@code deviceExists} prunes devices deleted since at each flush.
     */
    public DeviceStatusStore(Path file, EventPublisher events, Clock clock, Duration flushEvery,
                             BiPredicate<String, String> deviceExists) {
        this.file = file == null ? null : new DeviceStatusFile(file);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
        this.deviceExists = Objects.requireNonNull(deviceExists);
        if (this.file != null) {
            statuses.putAll(this.file.load());
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "flowstage-device-status-flush");
                t.setDaemon(true);
                return t;
            });
            long ms = flushEvery.toMillis();
            flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    /** In memory only (tests, or a server that should forget statuses at restart). */
    public static DeviceStatusStore inMemory(EventPublisher events, Clock clock) {
        return new DeviceStatusStore(null, events, clock, DEFAULT_FLUSH_EVERY, (t, d) -> true);
    }

    /** Records a report of {@code team/device} seen now, publishes it, and returns what is stored. */
    public DeviceStatus report(String team, String device, String commit, DeviceState state, String message,
                               Map<String, String> modules) {
        DeviceStatus stored = statuses.compute(key(team, device), (k, previous) ->
                DeviceStatus.after(previous, commit, state, message, modules, clock.instant()));
        changes.incrementAndGet();
        events.publish(FlowstageEvent.device(team, device, state.json(), commit, message, stored.lastSeen()));
        for (DeviceReportListener l : listeners) {
            try {
                l.onReport(team, device, stored);
            } catch (RuntimeException e) {
                LOG.warn("device report listener failed on a report of {}/{}", team, device, e);
            }
        }
        return stored;
    }

    /** {@code listener} hears every later report (see {@link DeviceReportListener}). */
    public void addListener(DeviceReportListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public Optional<DeviceStatus> status(String team, String device) {
        return Optional.ofNullable(statuses.get(key(team, device)));
    }

    @Override
    public Optional<ObjectId> active(String team, String device) {
        return status(team, device).map(DeviceStatus::activeCommit).map(ObjectId::fromString);
    }

    /** Writes the statuses when they changed since the last write; synchronized so writes never interleave. */
    public synchronized void flush() throws IOException {
        if (file == null) {
            return;
        }
        boolean pruned = statuses.keySet().removeIf(k -> {
            int slash = k.indexOf('/');
            return !deviceExists.test(k.substring(0, slash), k.substring(slash + 1));
        });
        if (pruned) {
            changes.incrementAndGet();
        }
        long seen = changes.get();
        if (seen == flushed) {
            return;
        }
        file.save(Map.copyOf(statuses));
        flushed = seen;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not save device statuses (kept in memory, retried in the next flush): {}", e.toString());
        }
    }

    /** Stops the periodic flush and writes what is unsaved. */
    @Override
    public void close() throws IOException {
        if (flusher != null) {
            flusher.shutdownNow();
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    static String key(String team, String device) {
        return team + "/" + device;
    }
}
