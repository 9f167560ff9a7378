package dev.flowstage.web.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.eclipse.jgit.storage.file.WindowCacheStats;

/** Exposes JGit's pack window cache statistics (hits, misses, evictions, open files and bytes). */
public final class JGitCacheMetrics implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("jgit.windowcache.hits", this, m -> WindowCacheStats.getStats().getHitCount())
                .description("pack window cache hits").register(registry);
        FunctionCounter.builder("jgit.windowcache.misses", this, m -> WindowCacheStats.getStats().getMissCount())
                .description("pack window cache misses").register(registry);
        FunctionCounter.builder("jgit.windowcache.evictions", this, m -> WindowCacheStats.getStats().getEvictionCount())
                .description("pack window cache evictions").register(registry);
        Gauge.builder("jgit.windowcache.open.files", this, m -> WindowCacheStats.getStats().getOpenFileCount())
                .description("pack files held open by the window cache").register(registry);
        Gauge.builder("jgit.windowcache.open.bytes", this, m -> WindowCacheStats.getStats().getOpenByteCount())
                .description("bytes of pack data held by the window cache").baseUnit("bytes").register(registry);
    }
}
