package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.eclipse.jgit.storage.file.WindowCacheConfig;
import org.junit.jupiter.api.Test;

class StorageTuningTest {
    @Test
    void configUsesServerLimitsAndNoMmap() {
        WindowCacheConfig cfg = StorageTuning.config(256L << 20, 512);
        assertEquals(256L << 20, cfg.getPackedGitLimit());
        assertEquals(512, cfg.getPackedGitOpenFiles());
        assertEquals(32 << 20, cfg.getDeltaBaseCacheLimit());
        assertEquals(16 << 20, cfg.getStreamFileThreshold());
        assertFalse(cfg.isPackedGitMMAP());
        assertEquals(64 << 20, StorageTuning.config(4L << 30, 512).getDeltaBaseCacheLimit());
    }

    @Test
    void installsOnlyOnce() {
        StorageTuning.installWindowCache(64L << 20, 128);
        assertFalse(StorageTuning.installWindowCache(64L << 20, 128));
    }

    @Test
    void refusesTinyLimits() {
        assertThrows(IllegalArgumentException.class, () -> StorageTuning.installWindowCache(1000, 128));
        assertThrows(IllegalArgumentException.class, () -> StorageTuning.installWindowCache(64L << 20, 2));
    }
}
