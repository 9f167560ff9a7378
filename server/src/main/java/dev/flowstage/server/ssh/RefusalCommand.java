package dev.flowstage.server.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** Answers a shell or an unsupported command with one line on stderr and a non-zero exit. */
final class RefusalCommand implements Command {
    private final Function<ChannelSession, String> message;
    private final int exitCode;
    private OutputStream err;
    private ExitCallback exit;

    RefusalCommand(Function<ChannelSession, String> message, int exitCode) {
        this.message = message;
        this.exitCode = exitCode;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        try {
            err.write((message.apply(channel) + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } finally {
            exit.onExit(exitCode);
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing runs after start() returns
    }

    @Override
    public void setInputStream(InputStream in) {
        // input is ignored
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // nothing goes to stdout
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
