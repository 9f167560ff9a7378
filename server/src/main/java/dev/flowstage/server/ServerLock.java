package dev.flowstage.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock on {@code DATA/server.lock} that a running server holds, so that a second server and
 * the offline {@code admin} commands refuse that data directory instead of writing beside it. The
 * operating system drops the lock when the process ends, however it ends.
 */
public final class ServerLock implements AutoCloseable {
    public static final String FILE = "server.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ServerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dataDir} (creating the directory). @throws Held when another holds it */
    public static ServerLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (a second server in one JVM)
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new Held(dataDir);
        }
        return new ServerLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }

    /** Another process (or server) holds the lock: a server is running on that data directory. */
    public static final class Held extends IOException {
        private static final long serialVersionUID = 1L;

        Held(Path dataDir) {
            super("a Flowstage server is running on data directory " + dataDir.toAbsolutePath().normalize()
                    + " (it holds " + FILE + ")");
        }
    }
}
