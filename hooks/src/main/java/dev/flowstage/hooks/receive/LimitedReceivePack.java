package dev.flowstage.hooks.receive;

import dev.flowstage.storage.repo.RepoLocks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.Lock;
import org.eclipse.jgit.errors.TooLargeObjectInPackException;
import org.eclipse.jgit.errors.TooLargePackException;
import org.eclipse.jgit.internal.submodule.SubmoduleValidator.SubmoduleValidationException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ConnectivityChecker;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * A ReceivePack whose size refusals read like every other refusal ({@code flowstage: ...}) and whose ref
 * updates are applied all or nothing whether or not the client asked for {@code --atomic}.
 * <p>
 * The per-file limit is checked by {@link PushRules}, which can name the file; JGit's own object limit is
 * set {@link #OBJECT_LIMIT_FACTOR} times higher, only as a guard against inflating absurd objects.
 * <p>
 * GC and writers exclude each other through {@link RepoLocks}; this pack takes the writer side only
 * from the connectivity check to the end of the ref updates, never while the client's pack is still
 * arriving over the network (a slow client must not stall GC, nor the writers that queue behind a
 * waiting GC). The received pack is safe without it: JGit installs it with a {@code .keep} file,
 * which GC leaves alone, until the ref updates are done.
 */
public final class LimitedReceivePack extends ReceivePack {
    static final int OBJECT_LIMIT_FACTOR = 4;

    private final long maxPushBytes;
    private final long maxFileBytes;
    private Lock held;

    public LimitedReceivePack(Repository repository, long maxPushBytes, long maxFileBytes) {
        super(repository);
        this.maxPushBytes = maxPushBytes;
        this.maxFileBytes = maxFileBytes;
        setMaxPackSizeLimit(maxPushBytes);
        setMaxObjectSizeLimit(maxFileBytes > Long.MAX_VALUE / OBJECT_LIMIT_FACTOR ? Long.MAX_VALUE
                : maxFileBytes * OBJECT_LIMIT_FACTOR);
        ConnectivityChecker check = connectivityChecker;
        connectivityChecker = (info, haves, monitor) -> {
            lockForWriting();
            check.checkConnectivity(info, haves, monitor);
        };
    }

    @Override
    public void receive(InputStream input, OutputStream output, OutputStream messages) throws IOException {
        try {
            super.receive(input, output, messages);
        } finally {
            unlock(); // a push refused or broken before its ref updates
        }
    }

    @Override
    public void receiveWithExceptionPropagation(InputStream input, OutputStream output, OutputStream messages)
            throws IOException {
        try {
            super.receiveWithExceptionPropagation(input, output, messages);
        } finally {
            unlock();
        }
    }

    /** The writer side, taken once per push (a push without a pack, only deletes, takes it here first). */
    private void lockForWriting() {
        if (held == null) {
            Lock writing = RepoLocks.of(getRepository().getDirectory()).readLock();
            writing.lock();
            held = writing;
        }
    }

    private void unlock() {
        if (held != null) {
            held.unlock();
            held = null;
        }
    }

    @Override
    protected void receivePackAndCheckConnectivity() throws IOException, SubmoduleValidationException {
        try {
            super.receivePackAndCheckConnectivity();
        } catch (TooLargePackException e) {
            throw refusal("flowstage: this push is larger than " + PushContent.limit(maxPushBytes)
                    + ", the server's limit (--max-push-size); push fewer or smaller files at a time");
        } catch (TooLargeObjectInPackException e) {
            throw refusal("flowstage: this push holds a file larger than "
                    + PushContent.limit(maxFileBytes * OBJECT_LIMIT_FACTOR) + "; files larger than "
                    + PushContent.limit(maxFileBytes) + " are refused");
        }
    }

    /** Shown twice by git: as a remote error line and as the reason the unpack failed. */
    private IOException refusal(String message) {
        try {
            sendError(message);
        } catch (RuntimeException ignored) {
            // the status report below still carries the message
        }
        return new IOException(message);
    }

    @Override
    protected void executeCommands() {
        // PushRules already refuses every command when one is refused; this keeps a lock failure of one ref
        // from leaving the others moved.
        setAtomic(true);
        lockForWriting();
        try {
            super.executeCommands();
        } finally {
            // the status report to the client and the post-receive hooks run without it
            unlock();
        }
    }
}
