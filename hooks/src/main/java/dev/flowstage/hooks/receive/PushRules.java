package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every push decision of SPEC §3.3 in one pre-receive hook: which refs a client may write, what may move
 * {@code main}, what a device may push, which tags may be written, the file size limit, snapshot
 * validation of new commits on {@code main} and {@code refs/for/main} and of tagged commits, and
 * opening a review for a push to {@code refs/for/main}.
 * ReceivePack is configured to allow creates, deletes and non-fast-forwards so that the decision and its
 * message are made here. A push is all or nothing: when one command is refused, the others are refused
 * too, and no review is opened.
 */
public final class PushRules implements PreReceiveHook {
    static final String MAIN = "refs/heads/main";
    static final String FOR_MAIN = "refs/for/main";
    static final String DEVICE_BRANCH = "refs/heads/device";
    static final String TAGS = "refs/tags/";
    static final String ATOMIC_FAILED = "flowstage: atomic push failed";

    private static final Logger LOG = LoggerFactory.getLogger(PushRules.class);

    private final Principal principal;
    private final boolean owner;
    private final RepoName repo;
    private final Target target;
    private final PushContent content;
    private final ReviewPush reviews;
    private final ConfigPush config;

    /**
     * {@code target} is the repository's entry in the team config; null only for the team config repo.
     * {@code owner} says whether the principal owns the team (owners may delete tags). {@code maxFileBytes}
     * is the largest file a push may bring in.
     */
    public PushRules(Principal principal, boolean owner, RepoName repo, Target target, ReceiveServices services,
                     long maxFileBytes) {
        this.principal = Objects.requireNonNull(principal);
        this.owner = owner;
        this.repo = Objects.requireNonNull(repo);
        if (target == null && !repo.isConfig()) {
            throw new IllegalArgumentException("a target repository needs its target");
        }
        this.target = target;
        this.content = new PushContent(services.snapshots(), maxFileBytes);
        this.reviews = new ReviewPush(services.reviews(), principal, repo);
        this.config = services.config();
    }

    @Override
    public void onPreReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        boolean refused = false;
        try (RevWalk walk = new RevWalk(rp.getRepository())) {
            for (ReceiveCommand cmd : commands) {
                if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) {
                    refused = true;
                    continue;
                }
                Optional<String> why = refusal(cmd, walk);
                if (why.isPresent()) {
                    refuse(rp, cmd, List.of(why.get()));
                    refused = true;
                }
            }
            if (!refused) {
                refused = refuseBadContent(rp, walk, commands);
            }
            if (!refused) {
                refused = openReviews(rp, walk, commands);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("checking a push to {} failed", repo, e);
            rejectAll(commands, "flowstage: the push could not be checked, try again");
            return;
        }
        if (refused) {
            rejectAll(commands, ATOMIC_FAILED);
        }
    }

    /** Why {@code cmd} is refused by the ref rules, or empty when it may proceed to the content checks. */
    public Optional<String> refusal(ReceiveCommand cmd, RevWalk walk) throws IOException {
        String ref = cmd.getRefName();
        if (ref.startsWith("refs/meta/") || ref.startsWith("refs/reviews/")) {
            return Optional.of("flowstage: " + ref + " is written by the server only");
        }
        if (principal instanceof DevicePrincipal) {
            if (!DEVICE_BRANCH.equals(ref) || cmd.getType() == ReceiveCommand.Type.DELETE) {
                return Optional.of("flowstage: a device may only push to " + DEVICE_BRANCH);
            }
            return Optional.empty();
        }
        if (ref.startsWith("refs/for/")) {
            return reviewRefusal(cmd);
        }
        if (!ref.startsWith("refs/heads/") && !ref.startsWith(TAGS)) {
            return Optional.of("flowstage: only branches (refs/heads/*) and tags (refs/tags/*) can be pushed, not " + ref);
        }
        if (ref.startsWith(TAGS)) {
            return tagRefusal(cmd);
        }
        if (MAIN.equals(ref)) {
            return mainRefusal(cmd, walk);
        }
        return Optional.empty();
    }

    /**
     * Tags name snapshots (the API lists them): on a protected instance, a device or a group only the
     * server writes them; elsewhere members create them, only owners delete them, and nobody moves one.
     */
    private Optional<String> tagRefusal(ReceiveCommand cmd) {
        String ref = cmd.getRefName();
        if (target != null && (target.protectedMain() || target.kind() == TargetKind.DEVICE
                || target.kind() == TargetKind.GROUP)) {
            String what = target.protectedMain() ? "protected instance" : target.kind().json();
            return Optional.of("flowstage: tags of " + what + " '" + target.name() + "' are written by the server only:"
                    + " name a snapshot with POST /api/v1/teams/" + repo.team() + "/" + target.kind().json() + "s/"
                    + target.name() + "/snapshots");
        }
        return switch (cmd.getType()) {
            case CREATE -> Optional.empty();
            case DELETE -> owner ? Optional.empty()
                    : Optional.of("flowstage: only owners may delete tags (" + ref + ")");
            default -> Optional.of("flowstage: " + ref + " already exists and tags are never moved"
                    + (owner ? "; delete it first" : "; an owner may delete it"));
        };
    }

    private Optional<String> reviewRefusal(ReceiveCommand cmd) {
        if (!FOR_MAIN.equals(cmd.getRefName())) {
            return Optional.of("flowstage: reviews are opened against main only: push to " + FOR_MAIN);
        }
        if (cmd.getType() == ReceiveCommand.Type.DELETE) {
            return Optional.of("flowstage: " + FOR_MAIN + " is not a branch: there is nothing to delete");
        }
        if (target == null) {
            return Optional.of("flowstage: the team configuration has no reviews: push it to main");
        }
        return serverOnlyMain();
    }

    private Optional<String> mainRefusal(ReceiveCommand cmd, RevWalk walk) throws IOException {
        if (cmd.getType() == ReceiveCommand.Type.DELETE) {
            return Optional.of("flowstage: main cannot be deleted");
        }
        Optional<String> serverOnly = serverOnlyMain();
        if (serverOnly.isPresent()) {
            return serverOnly;
        }
        if (target != null && target.protectedMain()) {
            return Optional.of("flowstage: main of protected instance '" + target.name()
                    + "' only changes through a pipeline or an approved review (push to " + FOR_MAIN + " to open one)");
        }
        if (!ObjectId.zeroId().equals(cmd.getOldId()) && !fastForward(cmd, walk)) {
            return Optional.of("flowstage: main only moves forward: a non-fast-forward update is refused"
                    + " (fetch and merge, or push to another branch)");
        }
        return Optional.empty();
    }

    private Optional<String> serverOnlyMain() {
        if (target != null && (target.kind() == TargetKind.DEVICE || target.kind() == TargetKind.GROUP)) {
            return Optional.of("flowstage: main of " + target.kind().json() + " '" + target.name()
                    + "' is written by the server only: deploy to devices through a pipeline");
        }
        return Optional.empty();
    }

    /** File sizes on every ref; snapshots on main and refs/for/main of a target. True when something was refused. */
    private boolean refuseBadContent(ReceivePack rp, RevWalk walk, Collection<ReceiveCommand> commands)
            throws IOException {
        Repository repository = rp.getRepository();
        Set<ObjectId> existing = existingTips(repository);
        ObjectId currentMain = tip(repository, MAIN);
        boolean refused = false;
        for (ReceiveCommand cmd : commands) {
            if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                continue;
            }
            List<String> lines = content.oversized(walk.getObjectReader(), cmd.getNewId(), existing);
            if (lines.isEmpty() && target == null && MAIN.equals(cmd.getRefName())) {
                lines = config == null
                        ? List.of("flowstage: this server does not take configuration pushes; use the API")
                        : config.problems(repository, repo.team(), cmd.getNewId());
            } else if (lines.isEmpty() && target != null
                    && (MAIN.equals(cmd.getRefName()) || FOR_MAIN.equals(cmd.getRefName()))) {
                ObjectId base = MAIN.equals(cmd.getRefName())
                        ? (ObjectId.zeroId().equals(cmd.getOldId()) ? null : cmd.getOldId())
                        : currentMain;
                lines = content.invalidSnapshots(walk.getObjectReader(), shortName(cmd.getRefName()), cmd.getNewId(), base);
            } else if (lines.isEmpty() && target != null && target.kind() == TargetKind.DEVICE
                    && DEVICE_BRANCH.equals(cmd.getRefName())) {
                // what a device uploads is a snapshot a pipeline may deploy (use_latest_device_snapshot)
                // (what main already holds was checked when the server wrote it)
                lines = content.invalidSnapshots(walk.getObjectReader(), shortName(cmd.getRefName()), cmd.getNewId(),
                        ObjectId.zeroId().equals(cmd.getOldId()) ? currentMain : cmd.getOldId());
            } else if (lines.isEmpty() && target != null && cmd.getRefName().startsWith(TAGS)) {
                lines = content.invalidSnapshot(walk.getObjectReader(), cmd.getRefName(), cmd.getNewId());
            }
            if (!lines.isEmpty()) {
                refuse(rp, cmd, lines);
                refused = true;
            }
        }
        return refused;
    }

    private boolean openReviews(ReceivePack rp, RevWalk walk, Collection<ReceiveCommand> commands) throws IOException {
        for (ReceiveCommand cmd : commands) {
            if (FOR_MAIN.equals(cmd.getRefName())) {
                Optional<String> why = reviews.open(rp, walk, cmd);
                if (why.isPresent()) {
                    refuse(rp, cmd, List.of(why.get()));
                    return true;
                }
            }
        }
        return false;
    }

    /** Rejects {@code cmd} with the first line and prints every line, so the client shows them all. */
    private static void refuse(ReceivePack rp, ReceiveCommand cmd, List<String> lines) {
        for (String line : lines) {
            rp.sendError(line);
        }
        String first = lines.get(0);
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON,
                lines.size() == 1 ? first : first + " (and " + (lines.size() - 1) + " more, see above)");
    }

    private static Set<ObjectId> existingTips(Repository repository) throws IOException {
        Set<ObjectId> tips = new LinkedHashSet<>();
        for (Ref ref : repository.getRefDatabase().getRefs()) {
            if (ref.getObjectId() != null) {
                tips.add(ref.getObjectId());
            }
        }
        return tips;
    }

    private static ObjectId tip(Repository repository, String ref) throws IOException {
        Ref r = repository.exactRef(ref);
        return r == null ? null : r.getObjectId();
    }

    private static String shortName(String ref) {
        return ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
    }

    private static boolean fastForward(ReceiveCommand cmd, RevWalk walk) throws IOException {
        RevObject oldObj = walk.parseAny(cmd.getOldId());
        RevObject newObj = walk.parseAny(cmd.getNewId());
        if (!(oldObj instanceof RevCommit oldCommit) || !(newObj instanceof RevCommit newCommit)) {
            return false;
        }
        return walk.isMergedInto(oldCommit, newCommit);
    }

    private static void rejectAll(Collection<ReceiveCommand> commands, String message) {
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
                cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, message);
            }
        }
    }

    @Override
    public String toString() {
        return "PushRules[" + principal.displayName() + " -> " + repo + "]";
    }
}
