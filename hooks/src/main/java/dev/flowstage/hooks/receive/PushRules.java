package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * Every ref-level push decision of SPEC §3.3 in one pre-receive hook: what may move {@code main},
 * which refs a client may write at all, and what a device may push. ReceivePack is configured to
 * allow creates, deletes and non-fast-forwards so that the decision and its message are made here.
 * A push is all or nothing: when one command is refused, the others are refused too.
 */
public final class PushRules implements PreReceiveHook {
    static final String MAIN = "refs/heads/main";
    static final String DEVICE_BRANCH = "refs/heads/device";
    static final String ATOMIC_FAILED = "flowstage: atomic push failed";

    private final Principal principal;
    private final RepoName repo;
    private final Target target;

    /** {@code target} is the repository's entry in the team config; null only for the team config repo. */
    public PushRules(Principal principal, RepoName repo, Target target) {
        this.principal = Objects.requireNonNull(principal);
        this.repo = Objects.requireNonNull(repo);
        if (target == null && !repo.isConfig()) {
            throw new IllegalArgumentException("a target repository needs its target");
        }
        this.target = target;
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
                    cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, why.get());
                    refused = true;
                }
            }
        } catch (IOException e) {
            rejectAll(commands, "flowstage: the push could not be checked, try again");
            return;
        }
        if (refused) {
            rejectAll(commands, ATOMIC_FAILED);
        }
    }

    /** Why {@code cmd} is refused, or empty when it may proceed. */
    public Optional<String> refusal(ReceiveCommand cmd, RevWalk walk) throws IOException {
        String ref = cmd.getRefName();
        if (ref.startsWith("refs/meta/") || ref.startsWith("refs/reviews/")) {
            return Optional.of("flowstage: " + ref + " is written by the server only");
        }
        if (ref.startsWith("refs/for/")) {
            return Optional.of("flowstage: reviews through refs/for/* are not accepted by this server;"
                    + " push to a work branch instead");
        }
        if (principal instanceof DevicePrincipal) {
            if (!DEVICE_BRANCH.equals(ref) || cmd.getType() == ReceiveCommand.Type.DELETE) {
                return Optional.of("flowstage: a device may only push to " + DEVICE_BRANCH);
            }
            return Optional.empty();
        }
        if (!ref.startsWith("refs/heads/") && !ref.startsWith("refs/tags/")) {
            return Optional.of("flowstage: only branches (refs/heads/*) and tags (refs/tags/*) can be pushed, not " + ref);
        }
        if (MAIN.equals(ref)) {
            return mainRefusal(cmd, walk);
        }
        return Optional.empty();
    }

    private Optional<String> mainRefusal(ReceiveCommand cmd, RevWalk walk) throws IOException {
        if (cmd.getType() == ReceiveCommand.Type.DELETE) {
            return Optional.of("flowstage: main cannot be deleted");
        }
        if (target != null && (target.kind() == TargetKind.DEVICE || target.kind() == TargetKind.GROUP)) {
            return Optional.of("flowstage: main of " + target.kind().json() + " '" + target.name()
                    + "' is written by the server only: deploy to devices through a pipeline");
        }
        if (target != null && target.protectedMain()) {
            return Optional.of("flowstage: main of protected instance '" + target.name()
                    + "' only changes through a pipeline or an approved review");
        }
        if (!ObjectId.zeroId().equals(cmd.getOldId()) && !fastForward(cmd, walk)) {
            return Optional.of("flowstage: main only moves forward: a non-fast-forward update is refused"
                    + " (fetch and merge, or push to another branch)");
        }
        return Optional.empty();
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
