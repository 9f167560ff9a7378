package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A socket's input that times out at a deadline for the whole answer, not per read, so a trickle cannot hold it. */
final class DeadlineInputStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadline = deadlineNanos;
    }

    static int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    @Override
    public int read() throws IOException {
        socket.setSoTimeout(remainingMillis(deadline));
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        socket.setSoTimeout(remainingMillis(deadline));
        return in.read(b, off, len);
    }
}
