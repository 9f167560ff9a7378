package dev.flowstage.hooks.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device statuses on disk: one JSON file
 * {@code {"version":1,"devices":{"TEAM/DEVICE":{commit,state,message,modules,lastSeen,activeCommit}}}},
 * replaced atomically (written to a temporary file, forced to disk, renamed over the old one), so a
 * crash leaves either the previous or the new file, never a torn one. An unreadable file is set aside
 * as {@code NAME.broken} and the statuses start empty: they are refreshed by the devices' next reports.
 */
final class DeviceStatusFile {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStatusFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    DeviceStatusFile(Path file) {
        this.file = file;
    }

    Map<String, DeviceStatus> load() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Map<String, DeviceStatus> out = new HashMap<>();
            root.path("devices").fields().forEachRemaining(e -> out.put(e.getKey(), read(e.getValue())));
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("device statuses in {} are unreadable ({}); set aside, starting without them", file, e.toString());
            try {
                Files.move(file, file.resolveSibling(file.getFileName() + ".broken"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("cannot set aside " + file, moveFailed);
            }
            return Map.of();
        }
    }

    void save(Map<String, DeviceStatus> statuses) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode devices = root.putObject("devices");
        new TreeMap<>(statuses).forEach((k, s) -> devices.set(k, write(s)));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static ObjectNode write(DeviceStatus s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("commit", s.commit());
        n.put("state", s.state().json());
        n.put("message", s.message());
        ObjectNode modules = n.putObject("modules");
        new TreeMap<>(s.modules()).forEach(modules::put);
        n.put("lastSeen", s.lastSeen().toString());
        n.put("activeCommit", s.activeCommit());
        return n;
    }

    private static DeviceStatus read(JsonNode n) {
        Map<String, String> modules = new LinkedHashMap<>();
        n.path("modules").fields().forEachRemaining(e -> modules.put(e.getKey(), e.getValue().asText()));
        DeviceState state = DeviceState.parse(n.path("state").asText())
                .orElseThrow(() -> new IllegalArgumentException("unknown state " + n.path("state")));
        return new DeviceStatus(text(n, "commit"), state, text(n, "message"), modules,
                Instant.parse(n.path("lastSeen").asText()), text(n, "activeCommit"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
