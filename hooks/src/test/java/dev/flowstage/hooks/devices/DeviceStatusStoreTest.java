package dev.flowstage.hooks.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.events.FlowstageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceStatusStoreTest {
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final List<FlowstageEvent> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private DeviceStatusStore store(Set<String> existing) {
        return new DeviceStatusStore(dir.resolve("devices/status.json"), events::add, clock, Duration.ofHours(1),
                (team, device) -> existing.contains(team + "/" + device));
    }

    @Test
    void aReportIsStoredPublishedAndKeepsTheLastRunningCommitAsActive() throws Exception {
        try (DeviceStatusStore store = store(Set.of("t/pi"))) {
            store.report("t", "pi", A, DeviceState.RUNNING, null, Map.of("node-red-contrib-x", "1.0.0"));
            DeviceStatus failed = store.report("t", "pi", B, DeviceState.ERROR, "flows rejected", Map.of());
            assertEquals(B, failed.commit());
            assertEquals(DeviceState.ERROR, failed.state());
            assertEquals(A, failed.activeCommit(), "the agent keeps the old flows when a deploy fails");
            assertEquals(Optional.of(ObjectId.fromString(A)), store.active("t", "pi"));
            assertEquals(Optional.empty(), store.active("t", "other"));
            assertEquals(2, events.size());
            FlowstageEvent last = events.get(1);
            assertEquals("device", last.type());
            assertEquals("pi", last.target());
            assertEquals(Map.of("state", "error", "commit", B, "message", "flows rejected"), Map.copyOf(last.data()));
        }
    }

    @Test
    void aDeviceThatNeverRanHasNoActiveCommit() {
        DeviceStatusStore store = DeviceStatusStore.inMemory(events::add, clock);
        assertNull(store.report("t", "pi", A, DeviceState.STOPPED, null, null).activeCommit());
        assertEquals(Optional.empty(), store.active("t", "pi"));
    }

    @Test
    void closeSavesAndANewStoreLoadsWhatWasSaved() throws Exception {
        try (DeviceStatusStore store = store(Set.of("t/pi"))) {
            store.report("t", "pi", A, DeviceState.RUNNING, "ok", Map.of("m", "1"));
        }
        Path file = dir.resolve("devices/status.json");
        assertTrue(Files.readString(file).contains("\"t/pi\""));
        assertFalse(Files.exists(dir.resolve("devices/status.json.tmp")), "the temporary file was renamed");
        try (DeviceStatusStore again = store(Set.of("t/pi"))) {
            DeviceStatus s = again.status("t", "pi").orElseThrow();
            assertEquals(A, s.commit());
            assertEquals(DeviceState.RUNNING, s.state());
            assertEquals("ok", s.message());
            assertEquals(Map.of("m", "1"), s.modules());
            assertEquals(clock.instant(), s.lastSeen());
            assertEquals(A, s.activeCommit());
        }
    }

    @Test
    void deletedDevicesArePrunedAtTheFlush() throws Exception {
        try (DeviceStatusStore store = store(Set.of("t/kept"))) {
            store.report("t", "kept", A, DeviceState.RUNNING, null, null);
            store.report("t", "gone", A, DeviceState.RUNNING, null, null);
            store.flush();
            assertTrue(store.status("t", "gone").isEmpty());
        }
        String saved = Files.readString(dir.resolve("devices/status.json"));
        assertTrue(saved.contains("t/kept"));
        assertFalse(saved.contains("t/gone"));
    }

    @Test
    void aDeviceDeletedAfterTheLastReportIsDroppedFromTheFileToo() throws Exception {
        Set<String> existing = new java.util.concurrent.CopyOnWriteArraySet<>(Set.of("t/pi"));
        try (DeviceStatusStore store = store(existing)) {
            store.report("t", "pi", A, DeviceState.RUNNING, null, null);
            store.flush();
            existing.clear();
            store.flush();
        }
        assertFalse(Files.readString(dir.resolve("devices/status.json")).contains("t/pi"));
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheStoreStartsEmpty() throws Exception {
        Files.createDirectories(dir.resolve("devices"));
        Files.writeString(dir.resolve("devices/status.json"), "{\"devices\":{\"t/pi\":{\"state\":\"dancing\"");
        try (DeviceStatusStore store = store(Set.of("t/pi"))) {
            assertTrue(store.status("t", "pi").isEmpty());
        }
        assertTrue(Files.exists(dir.resolve("devices/status.json.broken")));
    }
}
