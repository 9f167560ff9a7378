package dev.flowstage.hooks.receive;

import dev.flowstage.storage.repo.RepoName;
import java.util.Collection;
import java.util.Objects;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PostReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/** After a stored push to a team's {@code _config.git} main: the repositories follow the pushed targets. */
public final class ConfigAppliedHook implements PostReceiveHook {
    private final RepoName repo;
    private final ConfigPush config;

    public ConfigAppliedHook(RepoName repo, ConfigPush config) {
        this.repo = Objects.requireNonNull(repo);
        this.config = Objects.requireNonNull(config);
    }

    @Override
    public void onPostReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        if (!repo.isConfig()) {
            return;
        }
        for (ReceiveCommand cmd : commands) {
            if (PushRules.MAIN.equals(cmd.getRefName()) && cmd.getResult() == ReceiveCommand.Result.OK
                    && cmd.getType() != ReceiveCommand.Type.DELETE) {
                ObjectId old = ObjectId.zeroId().equals(cmd.getOldId()) ? null : cmd.getOldId();
                config.applied(rp.getRepository(), repo.team(), old, cmd.getNewId());
            }
        }
    }
}
