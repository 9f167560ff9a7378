package dev.flowstage.hooks.git;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * An upload-pack session on a two-way stream (SSH). Protocol v0 is JGit's UploadPack as it is. In
 * protocol v2 the session is a capability advertisement followed by independent commands, and this
 * class runs that loop itself: it sends {@link V2Capabilities} (so clients learn about
 * {@code ls-refs=unborn}), answers ls-refs with {@link GitAccess#lsRefs} as HTTP does, and gives
 * every other command to a fresh UploadPack in stateless mode, exactly as one HTTP POST would be.
 */
public final class UploadPackSession {
    /** A v2 command larger than this (a fetch with very many haves) ends the session. */
    static final int MAX_COMMAND_BYTES = 32 << 20;

    private UploadPackSession() {}

    /** Serves upload-pack on {@code in} and {@code out} until the client ends the session. */
    public static void serve(GitAccess access, GitRequest request, Repository repository, InputStream in,
                             OutputStream out, OutputStream err) throws IOException {
        if (!V2Capabilities.requested(request.protocolParameters())) {
            access.uploadPack(request, repository).upload(in, out, err);
            return;
        }
        out.write(V2Capabilities.of(access.uploadPack(request, repository)));
        out.flush();
        for (byte[] command = readCommand(in); command != null; command = readCommand(in)) {
            Optional<LsRefsCommand> lsRefs = LsRefsCommand.parse(command);
            if (lsRefs.isPresent()) {
                out.write(access.lsRefs(request, repository, lsRefs.get()));
            } else {
                UploadPack up = access.uploadPack(request, repository);
                up.setBiDirectionalPipe(false);
                up.upload(new ByteArrayInputStream(command), out, err);
            }
            out.flush();
        }
    }

    /**
     * The pkt-lines of one command up to and including its flush, or null when the client ends the
     * session (a flush instead of a command, or the end of the stream).
     */
    static byte[] readCommand(InputStream in) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream(256);
        byte[] header = new byte[4];
        while (true) {
            int n = in.readNBytes(header, 0, 4);
            if (n == 0 && command.size() == 0) {
                return null;
            }
            if (n < 4) {
                throw new EOFException("the client ended the session in the middle of a command");
            }
            int length = length(header);
            if (length == 0 && command.size() == 0) {
                return null;
            }
            command.write(header);
            if (length == 0) {
                return command.toByteArray();
            }
            if (length > 4) {
                if (command.size() + length > MAX_COMMAND_BYTES) {
                    throw new PackProtocolException("command larger than " + MAX_COMMAND_BYTES + " bytes");
                }
                byte[] payload = in.readNBytes(length - 4);
                if (payload.length < length - 4) {
                    throw new EOFException("the client ended the session in the middle of a command");
                }
                command.write(payload);
            }
        }
    }

    private static int length(byte[] header) throws PackProtocolException {
        int v = 0;
        for (byte b : header) {
            int d = Character.digit(b, 16);
            if (d < 0) {
                throw new PackProtocolException("invalid pkt-line length");
            }
            v = v << 4 | d;
        }
        if (v == 3) { // 1 and 2 are the delimiter and response-end packets
            throw new PackProtocolException("invalid pkt-line length " + v);
        }
        return v;
    }
}
