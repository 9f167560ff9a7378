package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/** Serves bare repositories under {@code root/TEAM/NAME.git} to anyone; for tests of the transport's limits, not of access. */
final class FakeGitAccess implements GitAccess {
    final List<GitRequest> requests = new CopyOnWriteArrayList<>();
    private final Path root;

    FakeGitAccess(Path root) {
        this.root = root;
    }

    @Override
    public Repository open(Principal principal, RepoName repo) throws IOException {
        Path dir = root.resolve(repo.team()).resolve(repo.name() + ".git");
        if (!Files.isDirectory(dir)) {
            throw new RepositoryNotFoundException(repo.toString());
        }
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    }

    @Override
    public UploadPack uploadPack(GitRequest request, Repository repository) {
        requests.add(request);
        UploadPack up = new UploadPack(repository);
        up.setExtraParameters(request.protocolParameters());
        return up;
    }

    @Override
    public ReceivePack receivePack(GitRequest request, Repository repository) throws ServiceNotAuthorizedException {
        requests.add(request);
        return new ReceivePack(repository);
    }
}
