package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.repo.RepoName;
import java.util.Collection;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PostReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a {@link MainMovedListener} that a push moved a target's {@code main} (post-receive, so only
 * stored updates are reported). The team config repository is not a target and is not reported.
 */
public final class MainMovedHook implements PostReceiveHook {
    private static final Logger LOG = LoggerFactory.getLogger(MainMovedHook.class);

    private final RepoName repo;
    private final Principal principal;
    private final MainMovedListener listener;

    public MainMovedHook(RepoName repo, Principal principal, MainMovedListener listener) {
        this.repo = Objects.requireNonNull(repo);
        this.principal = Objects.requireNonNull(principal);
        this.listener = Objects.requireNonNull(listener);
    }

    @Override
    public void onPostReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        if (repo.isConfig()) {
            return;
        }
        for (ReceiveCommand cmd : commands) {
            if (!PushRules.MAIN.equals(cmd.getRefName()) || cmd.getResult() != ReceiveCommand.Result.OK
                    || cmd.getType() == ReceiveCommand.Type.DELETE) {
                continue;
            }
            String old = ObjectId.zeroId().equals(cmd.getOldId()) ? null : cmd.getOldId().name();
            try {
                listener.onMainMoved(repo.team(), repo.name(), old, cmd.getNewId().name(), principal.displayName());
            } catch (RuntimeException e) {
                // main has moved and the client is told so; a listener's failure is the listener's to report
                LOG.warn("main-moved listener failed for {} at {}", repo, cmd.getNewId().name(), e);
            }
        }
    }
}
