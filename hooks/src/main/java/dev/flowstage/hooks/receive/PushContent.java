package dev.flowstage.hooks.receive;

import dev.flowstage.storage.snapshot.SnapshotProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Checks what a push brings in (SPEC §3.3): no new file larger than the limit, on any ref; and, where
 * asked, every new commit a valid snapshot. Answers the lines a Git client shows, each starting with
 * {@code flowstage: }.
 */
final class PushContent {
    /** Lines shown for one command at most; a push with more problems says so in one last line. */
    static final int MAX_LINES = 30;
    private static final long MIB = 1L << 20;

    private final SnapshotCheck snapshots;
    private final long maxFileBytes;

    PushContent(SnapshotCheck snapshots, long maxFileBytes) {
        this.snapshots = snapshots;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * Files over the limit among the objects reachable from {@code tip} but from none of {@code existing}
     * (the repository's refs before the push), named by their path.
     */
    List<String> oversized(ObjectReader reader, AnyObjectId tip, Collection<ObjectId> existing) throws IOException {
        List<String> lines = new ArrayList<>();
        try (ObjectWalk walk = new ObjectWalk(reader)) {
            walk.markStart(walk.parseAny(tip));
            for (ObjectId id : existing) {
                try {
                    walk.markUninteresting(walk.parseAny(id));
                } catch (MissingObjectException e) {
                    // a ref to a missing object hides nothing
                }
            }
            while (walk.next() != null) {
                // commits first; their trees and blobs follow in nextObject()
            }
            RevObject obj;
            while ((obj = walk.nextObject()) != null) {
                if (obj.getType() != Constants.OBJ_BLOB) {
                    continue;
                }
                long size = reader.getObjectSize(obj, Constants.OBJ_BLOB);
                if (size > maxFileBytes) {
                    String path = walk.getPathString();
                    lines.add(tooLarge(path == null || path.isEmpty() ? "blob " + obj.name() : path, size, maxFileBytes));
                    if (lines.size() == MAX_LINES) {
                        break;
                    }
                }
            }
        }
        return lines;
    }

    /**
     * Snapshot problems of every commit reachable from {@code tip} and not from {@code baseOrNull}, newest
     * first. Problems of the tip read as the spec shows them ({@code flowstage: flows.json: line 12, ...});
     * those of an earlier commit name the commit.
     */
    List<String> invalidSnapshots(ObjectReader reader, String ref, AnyObjectId tip, AnyObjectId baseOrNull)
            throws IOException {
        List<String> lines = new ArrayList<>();
        try (RevWalk walk = new RevWalk(reader)) {
            RevObject obj = walk.peel(walk.parseAny(tip));
            if (!(obj instanceof RevCommit head)) {
                return List.of("flowstage: " + ref + " must point at a commit");
            }
            walk.markStart(head);
            if (baseOrNull != null) {
                walk.markUninteresting(walk.parseCommit(baseOrNull));
            }
            for (RevCommit commit : walk) {
                for (SnapshotProblem p : snapshots.problems(reader, commit.getTree())) {
                    if (lines.size() == MAX_LINES) {
                        lines.add("flowstage: more problems not shown");
                        return lines;
                    }
                    lines.add(commit.equals(head) ? p.render()
                            : "flowstage: commit " + commit.abbreviate(7).name() + " (\"" + subject(commit) + "\"): "
                                    + p.describe());
                }
            }
        }
        return lines;
    }

    /** Snapshot problems of the one commit {@code tip} (a commit or a tag of one) points at. */
    List<String> invalidSnapshot(ObjectReader reader, String ref, AnyObjectId tip) throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            RevObject obj = walk.peel(walk.parseAny(tip));
            if (!(obj instanceof RevCommit commit)) {
                return List.of("flowstage: " + ref + " must point at a commit (a snapshot)");
            }
            List<String> lines = new ArrayList<>();
            for (SnapshotProblem p : snapshots.problems(reader, commit.getTree())) {
                lines.add("flowstage: " + ref + " names commit " + commit.abbreviate(7).name()
                        + ", which is not a valid snapshot: " + p.describe());
                if (lines.size() == MAX_LINES) {
                    break;
                }
            }
            return lines;
        }
    }

    /** e.g. {@code flowstage: README.bin is 33.0 MiB; files larger than 32 MiB are refused}. */
    static String tooLarge(String path, long size, long limit) {
        return "flowstage: " + path + " is " + size(size, limit) + "; files larger than " + limit(limit) + " are refused";
    }

    /**
     * A size in the limit's unit with one decimal, rounded up, so a file just over the limit never reads as
     * the limit itself.
     */
    static String size(long bytes, long limit) {
        if (limit < 1024) {
            return bytes + " bytes";
        }
        long unit = limit < MIB ? 1024 : MIB;
        double tenths = Math.ceil(bytes * 10.0 / unit);
        return String.format(Locale.ROOT, "%.1f %s", tenths / 10, unit == MIB ? "MiB" : "KiB");
    }

    static String limit(long bytes) {
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }

    private static String subject(RevCommit commit) {
        String s = commit.getShortMessage();
        return s.length() > 60 ? s.substring(0, 59) + "…" : s;
    }
}
