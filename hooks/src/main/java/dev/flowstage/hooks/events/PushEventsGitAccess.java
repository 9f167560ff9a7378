package dev.flowstage.hooks.events;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.hooks.git.LsRefsCommand;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PostReceiveHook;
import org.eclipse.jgit.transport.PostReceiveHookChain;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * A {@link GitAccess} that publishes {@code push} events: it appends a {@link PushEventHook} to the
 * post-receive hooks of the ReceivePack the wrapped access builds (after its own hooks, so metrics
 * and listeners of main see the push first). Wrapping keeps the receive path itself unchanged.
 */
public final class PushEventsGitAccess implements GitAccess {
    private final GitAccess delegate;
    private final EventPublisher events;
    private final Clock clock;

    public PushEventsGitAccess(GitAccess delegate, EventPublisher events, Clock clock) {
        this.delegate = delegate;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Repository open(Principal principal, RepoName repo) throws IOException {
        return delegate.open(principal, repo);
    }

    @Override
    public UploadPack uploadPack(GitRequest request, Repository repository) {
        return delegate.uploadPack(request, repository);
    }

    @Override
    public byte[] lsRefs(GitRequest request, Repository repository, LsRefsCommand command) throws IOException {
        return delegate.lsRefs(request, repository, command);
    }

    @Override
    public ReceivePack receivePack(GitRequest request, Repository repository) throws ServiceNotAuthorizedException {
        ReceivePack rp = delegate.receivePack(request, repository);
        PushEventHook publish = new PushEventHook(events, request.repo(), request.principal().displayName(), clock);
        PostReceiveHook existing = rp.getPostReceiveHook();
        rp.setPostReceiveHook(existing == null || existing == PostReceiveHook.NULL ? publish
                : PostReceiveHookChain.newChain(List.of(existing, publish)));
        return rp;
    }
}
