package dev.flowstage.hooks.events;

import dev.flowstage.storage.repo.RepoName;
import java.time.Clock;
import java.util.Collection;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PostReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/** Publishes one {@code push} event per ref a push updated, after the refs moved. */
public final class PushEventHook implements PostReceiveHook {
    private final EventPublisher events;
    private final RepoName repo;
    private final String actor;
    private final Clock clock;

    public PushEventHook(EventPublisher events, RepoName repo, String actor, Clock clock) {
        this.events = events;
        this.repo = repo;
        this.actor = actor;
        this.clock = clock;
    }

    @Override
    public void onPostReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        for (ReceiveCommand c : commands) {
            if (c.getResult() == ReceiveCommand.Result.OK) {
                events.publish(FlowstageEvent.push(repo.team(), repo.name(), c.getRefName(), sha(c.getOldId()),
                        sha(c.getNewId()), actor, clock.instant()));
            }
        }
    }

    private static String sha(ObjectId id) {
        return id == null || ObjectId.zeroId().equals(id) ? null : id.name();
    }
}
