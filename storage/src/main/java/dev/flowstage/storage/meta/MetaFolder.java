package dev.flowstage.storage.meta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Records kept one JSON file per numeric id in one folder of a meta ref: {@code FOLDER/ID.json}, or when
 * sharded {@code FOLDER/SHARD/ID.json} with SHARD the id less its last two digits, so that no tree holds
 * more than 100 records and a write rewrites only small trees (a 1,000-entry tree is ~40 KB to hash,
 * deflate and store on every write).
 * Folder listings are cached by commit id and parsed records by (scope, blob id): both name content
 * exactly, so nothing cached is ever stale, and after a write only the written record is new.
 *
 * @param <T> the record type
 */
public final class MetaFolder<T> {
    /** Orders decimal ids by value: shorter first, then lexicographically. */
    public static final Comparator<String> NUMERIC = Comparator.comparingInt(String::length)
            .thenComparing(Comparator.naturalOrder());
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");

    /** Parses one record file; {@code scope} is what the store keys it by (the team). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String scope, String id, String path, byte[] content);
    }

    private record Key(String scope, ObjectId blob) {}

    private final String folder;
    private final boolean sharded;
    private final Parser<T> parser;
    private final Cache<ObjectId, NavigableMap<String, ObjectId>> listings;
    private final Cache<Key, T> records;

    public MetaFolder(String folder, boolean sharded, Parser<T> parser, long maxRecords) {
        this.folder = folder;
        this.sharded = sharded;
        this.parser = parser;
        this.listings = Caffeine.newBuilder().maximumSize(256).build();
        this.records = Caffeine.newBuilder().maximumSize(maxRecords).build();
    }

    /** True when {@code id} is a decimal id this folder can hold (guards paths built from user input). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** True when this folder can hold a record {@code id} (sharded ids have at least three digits). */
    public boolean accepts(String id) {
        return isId(id) && (!sharded || id.length() >= 3);
    }

    public String path(String id) {
        if (!accepts(id)) {
            throw new IllegalArgumentException("invalid record id");
        }
        return sharded ? folder + "/" + id.substring(0, id.length() - 2) + "/" + id + ".json"
                : folder + "/" + id + ".json";
    }

    /** The records' ids at {@code commit} (null: none) → blob ids, ordered by {@link #NUMERIC}. */
    public NavigableMap<String, ObjectId> listing(MetaRef ref, ObjectId commit) {
        if (commit == null) {
            return Collections.emptyNavigableMap();
        }
        return listings.get(commit.copy(), c -> {
            NavigableMap<String, ObjectId> ids = new TreeMap<>(NUMERIC);
            try {
                for (Map.Entry<String, ObjectId> file : ref.files(c, folder).entrySet()) {
                    String rel = file.getKey();
                    String name = rel.substring(rel.lastIndexOf('/') + 1);
                    String id = name.endsWith(".json") ? name.substring(0, name.length() - 5) : "";
                    // only files where path(id) puts them: stray files are not records
                    if (accepts(id) && path(id).equals(folder + "/" + rel)) {
                        ids.put(id, file.getValue());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + folder + " at " + c.name(), e);
            }
            return Collections.unmodifiableNavigableMap(ids);
        });
    }

    /** The record in blob {@code blob}, parsed once per (scope, blob). */
    public T record(MetaRef ref, String scope, String id, ObjectId blob) {
        return records.get(new Key(scope, blob.copy()), k -> {
            try {
                return parser.parse(scope, id, path(id), ref.blob(k.blob()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path(id), e);
            }
        });
    }

    /** As {@link #record(MetaRef, String, String, ObjectId)}, reading through the tree being edited. */
    public T record(MetaTree tree, String scope, String id, ObjectId blob) {
        return records.get(new Key(scope, blob.copy()), k -> parser.parse(scope, id, path(id), tree.blob(k.blob())));
    }

    /**
     * Notes what {@code edited} wrote for record {@code id} (value {@code value}, parsed form of what was
     * written), so the next listing and read need neither a tree walk nor a parse.
     */
    public void wrote(MetaRef.Edited edited, String scope, String id, T value) {
        ObjectId blob = edited.blobs().get(path(id));
        if (blob == null) {
            return;
        }
        records.put(new Key(scope, blob), value);
        if (!edited.changed()) {
            return;
        }
        NavigableMap<String, ObjectId> before = edited.parent() == null ? Collections.emptyNavigableMap()
                : listings.getIfPresent(edited.parent());
        if (before != null) {
            NavigableMap<String, ObjectId> after = new TreeMap<>(NUMERIC);
            after.putAll(before);
            after.put(id, blob);
            listings.put(edited.commit().copy(), Collections.unmodifiableNavigableMap(after));
        }
    }
}
