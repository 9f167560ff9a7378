package dev.flowstage.web.api.pipelines;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.hooks.pipeline.Stage;
import dev.flowstage.hooks.pipeline.StageKind;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.web.api.snapshots.SnapshotHistory;
import dev.flowstage.web.api.snapshots.SnapshotView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * What each stage of a pipeline holds now, for the pipeline page in one call: the snapshot on its target's
 * {@code main} and whether it is behind the previous stage. A stage is behind when the previous stage's
 * {@code main} has commits that the last promotion from it ({@code Flowstage-Source: TEAM/PREV@SHA} on the
 * stage's own {@code main}) did not bring; {@code behindBy} counts them (at most {@value #MAX_COUNT}).
 * {@code behind} is null for the first stage and next to git stages, whose history is elsewhere.
 */
public final class StageStatus {
    /** How far back the target's history is searched for the last promotion, and the most commits counted. */
    static final int MAX_WALK = 500;
    static final int MAX_COUNT = 100;
    private static final String MAIN = "refs/heads/main";
    private static final Pattern SOURCE = Pattern.compile("(?m)^Flowstage-Source: ([^/\\s]+)/([^@\\s]+)@([0-9a-f]{40})\\s*$");

    /** One stage's status. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String name, String kind, String target, @JsonProperty("protected") Boolean protectedMain,
                String action, SnapshotView snapshot, Boolean behind, Integer behindBy, String promotedFrom) {}

    /** The answer of {@code GET …/pipelines/{p}/status}. */
    public record PipelineStatus(String pipeline, boolean paused, List<View> stages) {}

    private final RepoStore repos;

    StageStatus(RepoStore repos) {
        this.repos = repos;
    }

    PipelineStatus of(String team, TeamConfig config, Pipeline p) throws IOException {
        List<View> out = new ArrayList<>();
        Stage previous = null;
        for (Stage s : p.stages()) {
            out.add(view(team, config, previous, s));
            previous = s;
        }
        return new PipelineStatus(p.name(), p.paused(), out);
    }

    private View view(String team, TeamConfig config, Stage previous, Stage s) throws IOException {
        if (s.kind() == StageKind.GIT) {
            return new View(s.name(), s.kind().json(), null, null, s.effectiveAction(), null, null, null, null);
        }
        Target target = config.targets().get(s.target());
        Boolean isProtected = target == null ? null : target.protectedMain();
        try (Repository repo = open(team, s.target())) {
            if (repo == null) {
                return new View(s.name(), s.kind().json(), s.target(), isProtected, s.effectiveAction(), null, null,
                        null, null);
            }
            SnapshotView snapshot = null;
            ObjectId head = head(repo);
            if (head != null) {
                try (RevWalk walk = new RevWalk(repo)) {
                    snapshot = SnapshotHistory.describe(repo, walk, walk.parseCommit(head));
                }
            }
            if (previous == null || previous.kind() == StageKind.GIT) {
                return new View(s.name(), s.kind().json(), s.target(), isProtected, s.effectiveAction(), snapshot,
                        null, null, null);
            }
            String promoted = head == null ? null : lastPromotedFrom(repo, head, team, previous.target());
            int count = commitsNotPromoted(team, previous.target(), promoted);
            return new View(s.name(), s.kind().json(), s.target(), isProtected, s.effectiveAction(), snapshot,
                    count > 0, count, promoted);
        }
    }

    /** The source commit named by the newest promotion from {@code source} on this {@code main}, or null. */
    private static String lastPromotedFrom(Repository repo, ObjectId head, String team, String source)
            throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(head));
            int seen = 0;
            for (RevCommit c : walk) {
                Matcher m = SOURCE.matcher(c.getFullMessage());
                while (m.find()) {
                    if (m.group(1).equals(team) && m.group(2).equals(source)) {
                        return m.group(3);
                    }
                }
                if (++seen >= MAX_WALK) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Commits on {@code source}'s main that {@code promoted} does not reach (all of them when null). */
    private int commitsNotPromoted(String team, String source, String promoted) throws IOException {
        try (Repository repo = open(team, source)) {
            ObjectId head = repo == null ? null : head(repo);
            if (head == null) {
                return 0;
            }
            try (RevWalk walk = new RevWalk(repo)) {
                walk.markStart(walk.parseCommit(head));
                if (promoted != null) {
                    try {
                        walk.markUninteresting(walk.parseCommit(ObjectId.fromString(promoted)));
                    } catch (MissingObjectException e) {
                        // promoted from a commit the source no longer has (rewritten history): count all
                    }
                }
                int n = 0;
                for (RevCommit ignored : walk) {
                    if (++n >= MAX_COUNT) {
                        break;
                    }
                }
                return n;
            }
        }
    }

    private Repository open(String team, String name) throws IOException {
        try {
            return repos.open(new RepoName(team, name));
        } catch (RepositoryNotFoundException e) {
            return null;
        }
    }

    private static ObjectId head(Repository repo) throws IOException {
        Ref main = repo.exactRef(MAIN);
        return main == null ? null : main.getObjectId();
    }
}
