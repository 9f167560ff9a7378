package dev.flowstage.hooks.receive;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flowstage.storage.snapshot.SnapshotEntries;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotProblem;
import dev.flowstage.storage.snapshot.SnapshotValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;

/**
 * Validates the snapshot files of a commit's tree with {@link SnapshotValidator}, remembering the
 * result per file name and blob id: a push that leaves flows.json unchanged does not parse it again,
 * and neither does the next push of the same blob to another branch or repository. Thread-safe; one
 * instance serves every push.
 */
public final class SnapshotCheck {
    /** The files the validator has rules for; the others are only checked to be regular files. */
    private static final Set<String> RULED = Set.of(SnapshotFiles.FLOWS, SnapshotFiles.ENV, SnapshotFiles.PACKAGE,
            SnapshotFiles.CREDENTIALS);

    private final SnapshotValidator validator;
    private final Cache<Key, List<SnapshotProblem>> results;

    public SnapshotCheck() {
        this(new SnapshotValidator(), 20_000);
    }

    public SnapshotCheck(SnapshotValidator validator, long cachedBlobs) {
        this.validator = validator;
        this.results = Caffeine.newBuilder().maximumSize(cachedBlobs).build();
    }

    /** Every problem of the snapshot in {@code tree}, in tree order; empty when it is a valid snapshot. */
    public List<SnapshotProblem> problems(ObjectReader reader, RevTree tree) throws IOException {
        List<SnapshotProblem> problems = new ArrayList<>();
        for (SnapshotEntries.Entry e : SnapshotEntries.of(reader, tree)) {
            if (!e.isFile()) {
                problems.add(SnapshotProblem.of(e.name(), "must be a file, not " + e.kind()));
            } else if (RULED.contains(e.name())) {
                problems.addAll(problems(reader, e.name(), e.id()));
            }
        }
        return problems;
    }

    private List<SnapshotProblem> problems(ObjectReader reader, String name, ObjectId blob) throws IOException {
        Key key = new Key(name, blob);
        List<SnapshotProblem> known = results.getIfPresent(key);
        if (known != null) {
            return known;
        }
        // The size limit is checked before this, so the blob fits in memory.
        byte[] content = reader.open(blob, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE);
        List<SnapshotProblem> found = List.copyOf(validator.validate(name, content));
        results.put(key, found);
        return found;
    }

    private record Key(String file, ObjectId blob) {}
}
