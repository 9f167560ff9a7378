package dev.flowstage.storage.snapshot.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The npm helper fails loudly, caches what it fetched, and leaves no half-filled folder behind. */
class NpmTestCacheTest {
    @TempDir
    Path cache;
    private String previous;

    @BeforeEach
    void useTemporaryCache() {
        previous = System.getProperty("flowstage.test.cache");
        System.setProperty("flowstage.test.cache", cache.toString());
    }

    @AfterEach
    void restoreCache() {
        if (previous == null) {
            System.clearProperty("flowstage.test.cache");
        } else {
            System.setProperty("flowstage.test.cache", previous);
        }
    }

    @Test
    void aFailingNpmFailsTheTestWithItsOutput() throws Exception {
        // A local path that does not exist: npm fails without asking the registry.
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> NpmTestCache.unpack("./no-such-package-folder"));
        assertTrue(e.getMessage().startsWith("npm pack --loglevel=error ./no-such-package-folder (is the npm registry "
                + "reachable? `npm config get registry` names it) failed with exit code "), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-package-folder"), e.getMessage());
        try (var left = Files.list(cache)) {
            assertEquals(java.util.List.of(".lock"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theCacheRootFollowsTheSystemProperty() {
        assertEquals(cache, NpmTestCache.root());
    }

    @Test
    void aFilledEntryIsReusedWithoutRunningNpm() throws Exception {
        Path done = cache.resolve("pack-made-up-1.0.0");
        Files.createDirectories(done.resolve("package"));
        Files.writeString(done.resolve(".complete"), "");
        // "made-up@1.0.0" is not on the registry: only the cached folder can answer.
        assertEquals(done.resolve("package"), NpmTestCache.unpack("made-up@1.0.0"));
    }
}
