package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.hooks.git.LsRefsCommand;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/** Notes the requests the transport builds and leaves every decision to the real {@link GitAccess} it wraps. */
final class RecordingGitAccess implements GitAccess {
    final List<GitRequest> requests = new CopyOnWriteArrayList<>();
    private final GitAccess real;

    RecordingGitAccess(GitAccess real) {
        this.real = real;
    }

    @Override
    public Repository open(Principal principal, RepoName repo) throws IOException {
        return real.open(principal, repo);
    }

    @Override
    public UploadPack uploadPack(GitRequest request, Repository repository) {
        requests.add(request);
        return real.uploadPack(request, repository);
    }

    @Override
    public byte[] lsRefs(GitRequest request, Repository repository, LsRefsCommand command) throws IOException {
        requests.add(request);
        return real.lsRefs(request, repository, command);
    }

    @Override
    public ReceivePack receivePack(GitRequest request, Repository repository) throws ServiceNotAuthorizedException {
        requests.add(request);
        return real.receivePack(request, repository);
    }
}
