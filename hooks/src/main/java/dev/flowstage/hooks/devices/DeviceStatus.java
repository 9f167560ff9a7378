package dev.flowstage.hooks.devices;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The last status report of one device: the {@code commit} (null when a device that has applied
 * nothing yet reports {@code stopped} or {@code error}) and {@code state} it reported, its
 * {@code message} (may be null) and {@code modules} (node module name to version), when it was seen,
 * and {@code activeCommit}: the last commit it reported {@code running} (kept across later
 * {@code error} or {@code stopped} reports, since an agent that fails to apply a deploy keeps the old
 * flows running; null until it first reports {@code running}).
 */
public record DeviceStatus(String commit, DeviceState state, String message, Map<String, String> modules,
                           Instant lastSeen, String activeCommit) {
    public DeviceStatus {
        Objects.requireNonNull(state, "state");
        if (commit == null && state == DeviceState.RUNNING) {
            throw new IllegalArgumentException("a running device reports the commit it runs");
        }
        Objects.requireNonNull(lastSeen, "lastSeen");
        modules = modules == null ? Map.of() : Map.copyOf(modules);
    }

    /** This report following {@code previous} (null for the first): carries the active commit forward. */
    static DeviceStatus after(DeviceStatus previous, String commit, DeviceState state, String message,
                              Map<String, String> modules, Instant seen) {
        String active = state == DeviceState.RUNNING ? commit : previous == null ? null : previous.activeCommit();
        return new DeviceStatus(commit, state, message, modules, seen, active);
    }
}
