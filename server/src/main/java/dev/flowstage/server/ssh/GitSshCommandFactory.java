package dev.flowstage.server.ssh;

import dev.flowstage.hooks.git.GitAccess;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/** Turns an exec request into a Git command; anything else gets a refusal on stderr. */
final class GitSshCommandFactory implements CommandFactory {
    static final int UNKNOWN_COMMAND = 127;

    private final GitAccess git;
    private final ExecutorService executor;
    private final MeterRegistry metrics;

    GitSshCommandFactory(GitAccess git, ExecutorService executor, MeterRegistry metrics) {
        this.git = git;
        this.executor = executor;
        this.metrics = metrics;
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) {
        return GitSshCommandLine.parse(command)
                .<Command>map(line -> new GitSshCommand(line, git, executor, metrics))
                .orElseGet(() -> new RefusalCommand(c -> "fatal: unsupported command; this server runs only "
                        + "git-upload-pack and git-receive-pack over SSH", UNKNOWN_COMMAND));
    }
}
