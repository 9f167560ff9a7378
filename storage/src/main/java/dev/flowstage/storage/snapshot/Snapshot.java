package dev.flowstage.storage.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files of one snapshot (SPEC §3.2), by name, as bytes. Only the names in {@link SnapshotFiles#ALL}
 * are allowed; a file that is absent from the tree is absent from the map. Immutable: arrays are
 * copied in and out.
 */
public record Snapshot(Map<String, byte[]> files) {
    public static final Snapshot EMPTY = new Snapshot(Map.of());

    public Snapshot {
        TreeMap<String, byte[]> copy = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (!SnapshotFiles.isSnapshotFile(e.getKey())) {
                throw new IllegalArgumentException("not a snapshot file: " + e.getKey());
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        files = Collections.unmodifiableMap(copy);
    }

    /** The names of the files present, sorted. */
    public Set<String> names() {
        return files.keySet();
    }

    public boolean has(String name) {
        return files.containsKey(name);
    }

    /** A copy of the file's bytes, or empty when the snapshot has no such file. */
    public Optional<byte[]> bytes(String name) {
        return Optional.ofNullable(files.get(name)).map(byte[]::clone);
    }

    /** The file decoded as UTF-8, or empty when the snapshot has no such file. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(files.get(name)).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** This snapshot with {@code name} set to {@code content}. */
    public Snapshot with(String name, byte[] content) {
        TreeMap<String, byte[]> next = new TreeMap<>(files);
        next.put(name, content);
        return new Snapshot(next);
    }

    public Snapshot with(String name, String content) {
        return with(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** This snapshot without {@code name}. */
    public Snapshot without(String name) {
        TreeMap<String, byte[]> next = new TreeMap<>(files);
        next.remove(name);
        return new Snapshot(next);
    }

    /** The stored array itself, for readers in this package that only look (avoids copying megabytes). */
    byte[] raw(String name) {
        return files.get(name);
    }

    @Override
    public Map<String, byte[]> files() {
        TreeMap<String, byte[]> copy = new TreeMap<>();
        files.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Snapshot other) || !files.keySet().equals(other.files.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.files.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Snapshot[");
        files.forEach((k, v) -> sb.append(sb.length() > 9 ? ", " : "").append(k).append('=').append(v.length).append("B"));
        return sb.append(']').toString();
    }
}
