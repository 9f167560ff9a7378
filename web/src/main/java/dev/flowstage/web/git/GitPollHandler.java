package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.hooks.git.LsRefsCommand;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.web.ops.RequestMetricsFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jgit.lib.Repository;

/**
 * The device poll without the servlet stack: a Jetty handler in front of the servlet context that
 * answers a protocol-v2 {@code ls-refs} POST to {@code /git/TEAM/NAME.git/git-upload-pack} itself, and
 * hands every other request to the servlet context unchanged.
 *
 * <p>It takes only the exact shape a poll has: POST, a plain path of the characters repository names
 * are made of and no query, {@code Content-Type: application/x-git-upload-pack-request}, a
 * {@code Content-Length} of at most {@link LsRefsCommand#MAX_REQUEST_BYTES} and no
 * {@code Content-Encoding} or {@code Expect}, {@code Git-Protocol} with {@code version=2}, an
 * {@code Authorization} header, and a body {@link LsRefsCommand#parse} accepts. Who is asking is decided
 * by the same {@link Authenticator} call {@link GitAuthFilter} makes (with its cache), and what they may
 * see by the same {@link GitAccess#open} and {@link GitAccess#lsRefs}, so the answer is the servlet's,
 * byte for byte. Anything else — another request, credentials that do not sign in, a repository that is
 * not found or not readable, any error — goes on to the servlet context with the body it had, which
 * gives the answer it always gave (401, 404, 429, JGit's errors). A sign-in already tried here is handed
 * on in {@link GitAuthFilter#LOGIN}, so a failure counts once against the sign-in throttle.
 *
 * <p>Answered polls are timed as {@code http.server.requests} like every other request
 * ({@link RequestMetricsFilter}) and counted in {@value #ANSWERED}.
 */
public final class GitPollHandler extends Handler.Wrapper {
    static final String ANSWERED = "flowstage.git.polls.direct";
    private static final String PREFIX = "/git/";
    private static final String SUFFIX = "/git-upload-pack";
    private static final String REQUEST_TYPE = "application/x-git-upload-pack-request";
    // the same headers as FlowstageGitServlet.send (JGit's NoCacheFilter and UploadPackServlet)
    private static final HttpField CONTENT_TYPE =
            new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/x-git-upload-pack-result");
    private static final HttpField EXPIRES = new PreEncodedHttpField(HttpHeader.EXPIRES, "Fri, 01 Jan 1980 00:00:00 GMT");
    private static final HttpField PRAGMA = new PreEncodedHttpField(HttpHeader.PRAGMA, "no-cache");
    private static final HttpField CACHE_CONTROL =
            new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache, max-age=0, must-revalidate");

    private final Authenticator auth;
    private final GitAccess access;
    private final RequestMetricsFilter requestMetrics;
    private final Counter answered;

    public GitPollHandler(Authenticator auth, GitAccess access, RequestMetricsFilter requestMetrics,
                          MeterRegistry metrics) {
        this.auth = Objects.requireNonNull(auth);
        this.access = Objects.requireNonNull(access);
        this.requestMetrics = Objects.requireNonNull(requestMetrics);
        this.answered = Counter.builder(ANSWERED)
                .description("Git ls-refs polls answered without the servlet stack")
                .register(metrics);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long started = System.nanoTime();
        Optional<RepoName> repo = pollShape(request);
        if (repo.isEmpty()) {
            return super.handle(request, response, callback);
        }
        ByteBuffer body = Content.Source.asByteBuffer(request);
        byte[] bytes = BufferUtil.toArray(body);
        Request next = new ReplayedBody(request, body);
        Optional<LsRefsCommand> command = bytes.length == request.getLength() ? LsRefsCommand.parse(bytes) : Optional.empty();
        if (command.isEmpty()) {
            return super.handle(next, response, callback);
        }
        String remote = Request.getRemoteAddr(request);
        LoginResult login = auth.login(Credentials.parse(request.getHeaders().get(HttpHeader.AUTHORIZATION)), remote);
        if (!(login instanceof LoginResult.Success success)) {
            next.setAttribute(GitAuthFilter.LOGIN, login);
            return super.handle(next, response, callback);
        }
        Optional<byte[]> answer = answer(success.principal(), repo.get(), remote, protocolParameters(request),
                command.get());
        if (answer.isEmpty()) {
            next.setAttribute(GitAuthFilter.LOGIN, login);
            return super.handle(next, response, callback);
        }
        // who it was, for the access log (as GitAuthFilter records it on the servlet path)
        request.setAttribute(GitAuthFilter.PRINCIPAL, success.principal());
        response.setStatus(200);
        HttpFields.Mutable headers = response.getHeaders();
        headers.add(EXPIRES);
        headers.add(PRAGMA);
        headers.add(CACHE_CONTROL);
        headers.add(CONTENT_TYPE);
        headers.put(HttpHeader.CONTENT_LENGTH, answer.get().length);
        // counted before it is sent, as the servlet filter counts a request once the servlet returns
        answered.increment();
        requestMetrics.record("git", "POST", 200, System.nanoTime() - started);
        response.write(true, ByteBuffer.wrap(answer.get()), callback);
        return true;
    }

    /** The repository of a request shaped exactly like an ls-refs poll, or empty. */
    private static Optional<RepoName> pollShape(Request request) {
        if (!HttpMethod.POST.is(request.getMethod())) {
            return Optional.empty();
        }
        HttpURI uri = request.getHttpURI();
        String path = uri.getPath();
        if (path == null || uri.getQuery() != null || uri.getParam() != null || !path.startsWith(PREFIX)
                || !path.endsWith(SUFFIX) || path.length() <= PREFIX.length() + SUFFIX.length()) {
            return Optional.empty();
        }
        String name = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // what repository names are made of (RepoName checks the rest); no '%', '\', ';' or upper case
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/')) {
                return Optional.empty();
            }
        }
        HttpFields headers = request.getHeaders();
        long length = request.getLength();
        if (!REQUEST_TYPE.equals(headers.get(HttpHeader.CONTENT_TYPE)) || length <= 0
                || length > LsRefsCommand.MAX_REQUEST_BYTES || headers.contains(HttpHeader.CONTENT_ENCODING)
                || headers.contains(HttpHeader.TRANSFER_ENCODING) || headers.contains(HttpHeader.EXPECT)
                || !headers.contains(HttpHeader.AUTHORIZATION) || !protocolParameters(request).contains("version=2")) {
            return Optional.empty();
        }
        return RepoName.parse(name);
    }

    /** As {@link FlowstageGitServlet}: empty when the repository is not found, not readable or broken. */
    private Optional<byte[]> answer(Principal principal, RepoName name, String remote, List<String> protocol,
                                    LsRefsCommand command) {
        try (Repository repository = access.open(principal, name)) {
            return Optional.of(access.lsRefs(new GitRequest(principal, name, "http", remote, protocol), repository,
                    command));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> protocolParameters(Request request) {
        String protocol = request.getHeaders().get("Git-Protocol");
        return protocol == null || protocol.isEmpty() ? List.of() : List.of(protocol.split(":"));
    }

    /** The request with the body already read, for the servlet context to read again. */
    private static final class ReplayedBody extends Request.Wrapper {
        private final Content.Source body;

        ReplayedBody(Request request, ByteBuffer body) {
            super(request);
            this.body = new ByteBufferContentSource(body);
        }

        @Override
        public Content.Chunk read() {
            return body.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            body.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            body.fail(failure);
        }

        @Override
        public boolean consumeAvailable() {
            while (true) {
                Content.Chunk chunk = body.read();
                if (chunk == null || chunk.isLast()) {
                    if (chunk != null) {
                        chunk.release();
                    }
                    return true;
                }
                chunk.release();
            }
        }
    }
}
