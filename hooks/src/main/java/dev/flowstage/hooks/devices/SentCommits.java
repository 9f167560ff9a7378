package dev.flowstage.hooks.devices;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Whether a commit was ever sent to a device: reachable from its {@code refs/heads/main} (what the
 * server deployed) or {@code refs/heads/device} (what it uploaded itself). Reports are frequent, so
 * the usual case (the tip of either) costs two ref reads, commits already confirmed are remembered,
 * and the walk otherwise looks at most {@code maxWalk} commits back (older commits count as not sent).
 */
public final class SentCommits {
    public static final int DEFAULT_MAX_WALK = 10_000;
    private static final List<String> HEADS = List.of("refs/heads/main", "refs/heads/device");

    private final RepoStore repos;
    private final int maxWalk;
    private final Cache<String, Boolean> confirmed = Caffeine.newBuilder().maximumSize(100_000).build();

    public SentCommits(RepoStore repos) {
        this(repos, DEFAULT_MAX_WALK);
    }

    public SentCommits(RepoStore repos, int maxWalk) {
        this.repos = Objects.requireNonNull(repos);
        this.maxWalk = maxWalk;
    }

    public boolean wasSent(RepoName device, ObjectId commit) throws IOException {
        String key = device + "@" + commit.name();
        boolean sent;
        try (Repository repo = repos.open(device)) {
            // a remembered commit must still be in the repository (a device re-created under the same name
            // starts with a new one)
            if (confirmed.getIfPresent(key) != null && repo.getObjectDatabase().has(commit)) {
                return true;
            }
            sent = reachable(repo, commit);
        }
        if (sent) {
            confirmed.put(key, Boolean.TRUE);
        }
        return sent;
    }

    private boolean reachable(Repository repo, ObjectId commit) throws IOException {
        List<ObjectId> tips = new ArrayList<>();
        for (String name : HEADS) {
            Ref ref = repo.exactRef(name);
            if (ref != null && ref.getObjectId() != null) {
                if (ref.getObjectId().equals(commit)) {
                    return true;
                }
                tips.add(ref.getObjectId());
            }
        }
        if (tips.isEmpty()) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit wanted;
            try {
                wanted = walk.parseCommit(commit);
            } catch (MissingObjectException | IncorrectObjectTypeException e) {
                return false; // not in the repository at all, or not a commit
            }
            for (ObjectId tip : tips) {
                walk.markStart(walk.parseCommit(tip));
            }
            int seen = 0;
            for (RevCommit c = walk.next(); c != null && seen < maxWalk; c = walk.next(), seen++) {
                if (c.equals(wanted)) {
                    return true;
                }
            }
            return false;
        }
    }
}
