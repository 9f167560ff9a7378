package dev.flowstage.hooks.git;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.repo.RepoName;
import java.io.IOException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * The resolver and the two pack factories, written once for HTTP and SSH. Transports only build
 * the {@link GitRequest}.
 */
public interface GitAccess {
    /**
     * Opens the repository if the principal may read it. A repository the principal may not read
     * and one that does not exist both throw {@link org.eclipse.jgit.errors.RepositoryNotFoundException}.
     */
    Repository open(Principal principal, RepoName repo) throws IOException;

    /** An UploadPack with the request's protocol parameters, limits and ref visibility applied. */
    UploadPack uploadPack(GitRequest request, Repository repository);

    /**
     * The answer to a protocol-v2 {@code ls-refs}, as {@link #uploadPack} would give it (plus
     * {@code unborn}, which UploadPack lacks). This default borrows the ref filter of an
     * {@link #uploadPack}; implementations answer it without building one, since polling devices send
     * little else.
     */
    default byte[] lsRefs(GitRequest request, Repository repository, LsRefsCommand command) throws IOException {
        UploadPack up = uploadPack(request, repository);
        up.getRevWalk().close();
        return command.answer(repository, up.getRefFilter());
    }

    /**
     * A ReceivePack with every push decision in one pre-receive hook (atomic, objects checked, size
     * limits). @throws ServiceNotAuthorizedException when the principal may not push at all
     */
    ReceivePack receivePack(GitRequest request, Repository repository) throws ServiceNotAuthorizedException;
}
