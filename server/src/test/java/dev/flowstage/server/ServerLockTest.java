package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLockTest {
    @TempDir
    Path dir;

    @Test
    void oneHolderAtATimeAndReleasedOnClose() throws Exception {
        Path data = dir.resolve("data");
        try (ServerLock first = ServerLock.acquire(data)) {
            assertTrue(Files.exists(data.resolve(ServerLock.FILE)));
            ServerLock.Held held = assertThrows(ServerLock.Held.class, () -> ServerLock.acquire(data));
            assertTrue(held.getMessage().startsWith("a Flowstage server is running on data directory "
                    + data.toAbsolutePath()), held.getMessage());
        }
        ServerLock.acquire(data).close();
    }
}
