package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.hooks.git.LsRefsCommand;
import dev.flowstage.hooks.git.V2Capabilities;
import dev.flowstage.storage.repo.RepoName;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
    private static final String UPLOAD_PACK_PATH = "/git-upload-pack";
    private static final String UPLOAD_PACK_REQUEST = "application/x-git-upload-pack-request";
    private static final String UPLOAD_PACK_RESULT = "application/x-git-upload-pack-result";
    private static final String UPLOAD_PACK_ADVERTISEMENT = "application/x-git-upload-pack-advertisement";
    private static final String INFO_REFS_PATH = "/info/refs";

    private final transient GitAccess access;

    public FlowstageGitServlet(GitAccess access) {
        this.access = Objects.requireNonNull(access);
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

    /**
     * Answers the protocol-v2 capability advertisement ({@link V2Capabilities}) and a protocol-v2
     * {@code ls-refs} POST ({@link LsRefsCommand}) itself; every other request, and any of those it
     * cannot answer at once, goes to JGit with its body intact. Not-found, forbidden and error
     * answers are therefore always JGit's.
     */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse rsp) throws ServletException, IOException {
        if (isV2UploadPackAdvertisement(req) && advertised(req, rsp)) {
            return;
        }
        if (!isSmallV2UploadPackPost(req)) {
            super.service(req, rsp);
            return;
        }
        byte[] body = req.getInputStream().readNBytes(req.getContentLength());
        Optional<LsRefsCommand> command = LsRefsCommand.parse(body);
        if (command.isPresent() && answered(req, rsp, command.get())) {
            return;
        }
        super.service(new ReplayedBody(req, body), rsp);
    }

    private static boolean isSmallV2UploadPackPost(HttpServletRequest req) {
        String path = req.getPathInfo();
        int length = req.getContentLength();
        return "POST".equals(req.getMethod()) && path != null && path.endsWith(UPLOAD_PACK_PATH)
                && UPLOAD_PACK_REQUEST.equals(req.getContentType()) && req.getHeader("Content-Encoding") == null
                && length > 0 && length <= LsRefsCommand.MAX_REQUEST_BYTES
                && protocolParameters(req).contains("version=2");
    }

    private static boolean isV2UploadPackAdvertisement(HttpServletRequest req) {
        String path = req.getPathInfo();
        return "GET".equals(req.getMethod()) && path != null && path.endsWith(INFO_REFS_PATH)
                && "service=git-upload-pack".equals(req.getQueryString())
                && protocolParameters(req).contains("version=2");
    }

    /**
     * Sends the v2 capability advertisement with {@code ls-refs=unborn} (see {@link V2Capabilities}),
     * which JGit's own info/refs cannot send. False leaves the request to JGit, as in {@link #answered}.
     */
    private boolean advertised(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
        Optional<byte[]> answer = withRepository(req, INFO_REFS_PATH,
                (request, repository) -> V2Capabilities.of(access.uploadPack(request, repository)));
        if (answer.isEmpty()) {
            return false;
        }
        send(rsp, UPLOAD_PACK_ADVERTISEMENT, answer.get());
        return true;
    }

    private boolean answered(HttpServletRequest req, HttpServletResponse rsp, LsRefsCommand command)
            throws IOException {
        Optional<byte[]> answer = withRepository(req, UPLOAD_PACK_PATH,
                (request, repository) -> access.lsRefs(request, repository, command));
        if (answer.isEmpty()) {
            return false;
        }
        send(rsp, UPLOAD_PACK_RESULT, answer.get());
        return true;
    }

    /** What {@code work} answers for the request's repository, or empty when JGit should answer instead. */
    private Optional<byte[]> withRepository(HttpServletRequest req, String suffix, GitWork work) {
        if (!(req.getAttribute(GitAuthFilter.PRINCIPAL) instanceof Principal principal)) {
            return Optional.empty();
        }
        String path = req.getPathInfo();
        Optional<RepoName> name = RepoName.parse(path.substring(1, path.length() - suffix.length()));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try (Repository repository = access.open(principal, name.get())) {
            return Optional.of(work.answer(new GitRequest(principal, name.get(), "http", req.getRemoteAddr(),
                    protocolParameters(req)), repository));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not found, not readable or broken: JGit answers, as for any other request
        }
    }

    /** One answer computed from an open repository. */
    private interface GitWork {
        byte[] answer(GitRequest request, Repository repository) throws IOException;
    }

    private static void send(HttpServletResponse rsp, String contentType, byte[] answer) throws IOException {
        rsp.setStatus(HttpServletResponse.SC_OK);
        // the same headers as JGit's NoCacheFilter and UploadPackServlet
        rsp.setHeader("Expires", "Fri, 01 Jan 1980 00:00:00 GMT");
        rsp.setHeader("Pragma", "no-cache");
        rsp.setHeader("Cache-Control", "no-cache, max-age=0, must-revalidate");
        rsp.setContentType(contentType);
        rsp.setContentLength(answer.length);
        rsp.getOutputStream().write(answer);
    }

    private static List<String> protocolParameters(HttpServletRequest req) {
        // JGit's own DefaultUploadPackFactory reads this header too; our factories replace it, so it is read here
        String protocol = req.getHeader("Git-Protocol");
        return protocol == null || protocol.isEmpty() ? List.of() : List.of(protocol.split(":"));
    }

    /** The request with the body this servlet already read, for JGit to read again. */
    private static final class ReplayedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayedBody(HttpServletRequest req, byte[] body) {
            super(req);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the Git servlet reads blocking");
                }
            };
        }
    }

    private static GitRequest request(HttpServletRequest req) throws ServiceNotAuthorizedException {
        RepoName name = (RepoName) req.getAttribute(REPO_NAME);
        return new GitRequest(principal(req), name, "http", req.getRemoteAddr(), protocolParameters(req));
    }

    private static Principal principal(HttpServletRequest req) throws ServiceNotAuthorizedException {
        Object principal = req.getAttribute(GitAuthFilter.PRINCIPAL);
        if (!(principal instanceof Principal p)) {
            throw new ServiceNotAuthorizedException("flowstage: authentication required");
        }
        return p;
    }
}
