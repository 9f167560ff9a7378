package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.storage.repo.RepoName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.http.server.resolver.AsIsFileService;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * JGit's smart-HTTP servlet wired to {@link GitAccess}: it only turns an HTTP request into a
 * {@link GitRequest}. Runs behind {@link GitAuthFilter}. The "dumb" protocol is switched off, since
 * it would serve files past ref visibility and access checks.
 */
public final class FlowstageGitServlet extends GitServlet {
    private static final long serialVersionUID = 1L;
    static final String REPO_NAME = "dev.flowstage.git.repo";

    public FlowstageGitServlet(GitAccess access) {
        Objects.requireNonNull(access);
        setAsIsFileService(AsIsFileService.DISABLED);
        setRepositoryResolver((req, path) -> {
            Principal principal = principal(req);
            // An unparsable name answers exactly like a missing repository
            RepoName name = RepoName.parse(path).orElseThrow(() -> new RepositoryNotFoundException("invalid name"));
            Repository repository;
            try {
                repository = access.open(principal, name);
            } catch (RepositoryNotFoundException e) {
                throw e;
            } catch (IOException e) {
                throw new ServiceMayNotContinueException("flowstage: the repository could not be opened", e,
                        HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            }
            req.setAttribute(REPO_NAME, name);
            return repository;
        });
        setUploadPackFactory((req, repository) -> access.uploadPack(request(req), repository));
        setReceivePackFactory((req, repository) -> {
            try {
                return access.receivePack(request(req), repository);
            } catch (ServiceNotAuthorizedException e) {
                // The caller is signed in: answer with the reason, not with a new login prompt (401)
                return RefusedReceivePack.create(repository, e.getMessage());
            }
        });
    }

    private static GitRequest request(HttpServletRequest req) throws ServiceNotAuthorizedException {
        RepoName name = (RepoName) req.getAttribute(REPO_NAME);
        // JGit's own DefaultUploadPackFactory reads this header too; our factories replace it, so it is read once here
        String protocol = req.getHeader("Git-Protocol");
        List<String> params = protocol == null || protocol.isEmpty() ? List.of() : List.of(protocol.split(":"));
        return new GitRequest(principal(req), name, "http", req.getRemoteAddr(), params);
    }

    private static Principal principal(HttpServletRequest req) throws ServiceNotAuthorizedException {
        Object principal = req.getAttribute(GitAuthFilter.PRINCIPAL);
        if (!(principal instanceof Principal p)) {
            throw new ServiceNotAuthorizedException("flowstage: authentication required");
        }
        return p;
    }
}
