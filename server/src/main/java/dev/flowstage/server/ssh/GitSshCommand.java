package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitRequest;
import dev.flowstage.hooks.git.UploadPackSession;
import dev.flowstage.storage.repo.RepoName;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code git-upload-pack} or {@code git-receive-pack} for an authenticated session on the
 * bounded Git executor: resolves the repository through {@link GitAccess}, builds the
 * {@link GitRequest} (with {@code GIT_PROTOCOL} split into parameters) and reports failures on stderr
 * the way git does ({@code fatal: ...}, exit 128).
 */
final class GitSshCommand implements Command {
    static final int FATAL = 128;
    static final String NOT_FOUND = "fatal: repository not found";
    private static final Logger log = LoggerFactory.getLogger(GitSshCommand.class);

    private final GitSshCommandLine line;
    private final GitAccess git;
    private final ExecutorService executor;
    private final MeterRegistry metrics;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Future<?> task;

    GitSshCommand(GitSshCommandLine line, GitAccess git, ExecutorService executor, MeterRegistry metrics) {
        this.line = line;
        this.git = git;
        this.executor = executor;
        this.metrics = metrics;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Optional<Principal> principal = PrincipalAuthenticator.principalOf(channel.getSession());
        String remote = remoteAddress(channel.getSession().getClientAddress());
        List<String> protocol = protocolParameters(env.getEnv().get("GIT_PROTOCOL"));
        try {
            task = executor.submit(() -> finish(run(principal, remote, protocol)));
        } catch (RejectedExecutionException e) {
            count("busy");
            finish(fail("fatal: the server is busy; try again in a moment"));
        }
    }

    private int run(Optional<Principal> principal, String remote, List<String> protocol) {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try {
            Optional<RepoName> repo = RepoName.parse(line.path());
            if (principal.isEmpty() || repo.isEmpty()) {
                outcome = "not_found";
                return fail(NOT_FOUND);
            }
            try (Repository repository = git.open(principal.get(), repo.get())) {
                GitRequest request = new GitRequest(principal.get(), repo.get(), "ssh", remote, protocol);
                if (line.service() == GitSshCommandLine.Service.UPLOAD_PACK) {
                    UploadPackSession.serve(git, request, repository, in, out, err);
                } else {
                    git.receivePack(request, repository).receive(in, out, err);
                }
            }
            outcome = "ok";
            return 0;
        } catch (RepositoryNotFoundException e) {
            outcome = "not_found";
            return fail(NOT_FOUND);
        } catch (ServiceNotAuthorizedException e) {
            outcome = "denied";
            return fail("fatal: you may not push to this repository");
        } catch (ServiceMayNotContinueException e) {
            // When isOutput() the client already got the message over the protocol.
            return e.isOutput() ? FATAL : fail("fatal: " + e.getMessage());
        } catch (InterruptedIOException e) {
            outcome = "cancelled";
            return FATAL;
        } catch (PackProtocolException e) {
            // The client broke the protocol: its own doing, and the message says how.
            return fail("fatal: " + e.getMessage());
        } catch (IOException e) {
            // Usually a dropped connection; the details (paths, I/O errors) stay in the log.
            log.info("ssh {} of {} from {} failed: {}", line.service().command(), line.path(), remote, e.toString());
            return fail("fatal: the git command failed on the server");
        } catch (RuntimeException e) {
            log.error("ssh {} of {} from {} failed", line.service().command(), line.path(), remote, e);
            return fail("fatal: internal server error");
        } finally {
            count(outcome);
            sample.stop(metrics.timer("flowstage.ssh.git.duration", "service", line.service().shortName()));
        }
    }

    private int fail(String message) {
        try {
            err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            log.debug("cannot report '{}' to the client", message, e);
        }
        return FATAL;
    }

    private void finish(int code) {
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            log.debug("flush after {} failed", line.service().command(), e);
        }
        exit.onExit(code);
    }

    private void count(String outcome) {
        metrics.counter("flowstage.ssh.git.commands", "service", line.service().shortName(), "outcome", outcome)
                .increment();
    }

    /** {@code GIT_PROTOCOL=version=2:object-format=sha1} → {@code [version=2, object-format=sha1]}. */
    static List<String> protocolParameters(String gitProtocol) {
        if (gitProtocol == null || gitProtocol.isBlank()) {
            return List.of();
        }
        return Arrays.stream(gitProtocol.split(":")).filter(s -> !s.isEmpty()).toList();
    }

    /** The IP address of a client, as text ("127.0.0.1"). */
    static String remoteAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    @Override
    public void destroy(ChannelSession channel) {
        Future<?> running = task;
        if (running != null) {
            running.cancel(true);
        }
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }
}
