package dev.flowstage.web.api.snapshots;

import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The snapshots of one target repository: every commit reachable from {@code main} or from a tag,
 * newest first, described by its message or by the annotated tags that name it; and the lookup of one
 * snapshot by commit id (full or abbreviated) or tag name.
 */
public final class SnapshotHistory {
    static final String MAIN = "refs/heads/main";
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{7,40}");

    private SnapshotHistory() {}

    /** One page of snapshots, newest first; the cursor is the id of the last snapshot returned. */
    static Page<SnapshotView> list(Repository repo, String limit, String cursor) throws IOException {
        int max = Page.parseLimit(limit);
        ObjectId after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
        Map<ObjectId, List<RevTag>> tags;
        List<SnapshotView> items = new ArrayList<>();
        boolean more = false;
        boolean seenCursor = after == null;
        try (RevWalk walk = new RevWalk(repo)) {
            tags = tagsByCommit(repo, walk);
            Ref main = repo.exactRef(MAIN);
            if (main != null) {
                walk.markStart(walk.parseCommit(main.getObjectId()));
            }
            for (ObjectId tagged : tags.keySet()) {
                walk.markStart(walk.parseCommit(tagged));
            }
            // newest first, and never a parent before its child (commits made within one second tie on time)
            walk.sort(RevSort.COMMIT_TIME_DESC);
            walk.sort(RevSort.TOPO, true);
            for (RevCommit c : walk) {
                if (!seenCursor) {
                    seenCursor = c.equals(after);
                    continue;
                }
                if (items.size() == max) {
                    more = true;
                    break;
                }
                items.add(view(c, tags.getOrDefault(c, List.of())));
            }
        }
        if (!seenCursor) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this server returned");
        }
        String next = more ? encodeCursor(items.get(items.size() - 1).id()) : null;
        return new Page<>(List.copyOf(items), next);
    }

    /** The snapshot commit {@code id} names: a commit id (7 to 40 hex digits) or a tag name. */
    static RevCommit resolve(Repository repo, RevWalk walk, String id) throws IOException {
        if (HEX.matcher(id).matches()) {
            RevCommit c = commitById(repo, walk, id);
            if (c != null) {
                return c;
            }
        }
        Ref tag = Repository.isValidRefName(Constants.R_TAGS + id) ? repo.exactRef(Constants.R_TAGS + id) : null;
        if (tag != null) {
            RevObject peeled = walk.peel(walk.parseAny(tag.getObjectId()));
            if (peeled instanceof RevCommit c) {
                return c;
            }
        }
        throw ApiException.notFound("snapshot '" + id + "' not found");
    }

    /** The commit {@code sha} names, for compare: 422 when it is not hex, 404 when no such commit exists. */
    static RevCommit commit(Repository repo, RevWalk walk, String param, String sha) throws IOException {
        if (sha == null || sha.isEmpty()) {
            throw ApiException.invalid("missing_parameter", "query parameter '" + param + "' is required");
        }
        if (!HEX.matcher(sha).matches()) {
            throw ApiException.invalid("invalid_sha", "'" + param + "' must be a commit id of 7 to 40 hex digits, not '"
                    + abbreviate(sha) + "'");
        }
        RevCommit c = commitById(repo, walk, sha);
        if (c == null) {
            throw ApiException.notFound("commit " + sha + " not found");
        }
        return c;
    }

    /** The view of {@code c}, with the annotated tags of {@code repo} that point at it. */
    public static SnapshotView describe(Repository repo, RevWalk walk, RevCommit c) throws IOException {
        return view(c, tagsByCommit(repo, walk).getOrDefault(c, List.of()));
    }

    private static RevCommit commitById(Repository repo, RevWalk walk, String hex) throws IOException {
        ObjectId id;
        if (hex.length() == Constants.OBJECT_ID_STRING_LENGTH) {
            id = ObjectId.fromString(hex);
        } else {
            try (ObjectReader reader = repo.newObjectReader()) {
                Collection<ObjectId> found = reader.resolve(AbbreviatedObjectId.fromString(hex));
                if (found.size() > 1) {
                    throw ApiException.invalid("ambiguous_sha", "'" + hex + "' matches more than one object; give more digits");
                }
                if (found.isEmpty()) {
                    return null;
                }
                id = found.iterator().next();
            }
        }
        try {
            RevObject o = walk.peel(walk.parseAny(id));
            return o instanceof RevCommit c ? walk.parseCommit(c) : null;
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            return null;
        }
    }

    /** Annotated tags under refs/tags/ by the commit they point at; lightweight tags name a commit too. */
    private static Map<ObjectId, List<RevTag>> tagsByCommit(Repository repo, RevWalk walk) throws IOException {
        Map<ObjectId, List<RevTag>> out = new HashMap<>();
        for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
            RevObject o = walk.parseAny(ref.getObjectId());
            RevObject peeled = walk.peel(o);
            if (!(peeled instanceof RevCommit)) {
                continue;
            }
            List<RevTag> list = out.computeIfAbsent(peeled.copy(), k -> new ArrayList<>());
            // a lightweight tag makes its commit listed, but only an annotated one names it
            if (o instanceof RevTag tag) {
                walk.parseBody(tag);
                list.add(tag);
            }
        }
        return out;
    }

    private static SnapshotView view(RevCommit c, List<RevTag> tags) {
        CommitMessage message = CommitMessage.parse(c.getFullMessage());
        String name = message.name();
        String description = message.description();
        List<String> tagNames = new ArrayList<>();
        RevTag newest = null;
        for (RevTag t : tags) {
            tagNames.add(t.getTagName());
            // tag times have whole seconds: on a tie the greater name wins, so the choice is stable
            if (newest == null || time(t).isAfter(time(newest))
                    || (time(t).equals(time(newest)) && t.getTagName().compareTo(newest.getTagName()) > 0)) {
                newest = t;
            }
        }
        if (newest != null) {
            // an annotated tag names the snapshot; its message (if any) describes it
            name = newest.getTagName();
            String tagMessage = newest.getFullMessage().strip();
            if (!tagMessage.isEmpty()) {
                // tags made here repeat the name as their subject; others hold only a description
                CommitMessage m = CommitMessage.parse(tagMessage);
                description = m.name().equals(name) ? m.description() : tagMessage;
            }
        }
        tagNames.sort(null);
        return new SnapshotView(c.name(), name, description, c.getAuthorIdent().getName(),
                c.getCommitterIdent().getWhenAsInstant(), message.source(), tagNames);
    }

    private static Instant time(RevTag t) {
        return t.getTaggerIdent() == null ? Instant.EPOCH : t.getTaggerIdent().getWhenAsInstant();
    }

    private static String encodeCursor(String sha) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.getBytes(StandardCharsets.US_ASCII));
    }

    private static ObjectId decodeCursor(String cursor) {
        try {
            String sha = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (ObjectId.isId(sha)) {
                return ObjectId.fromString(sha);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_cursor", "cursor is not one this server returned");
    }

    private static String abbreviate(String s) {
        return s.length() > 50 ? s.substring(0, 50) + "…" : s;
    }
}
