package dev.flowstage.hooks.trigger;

import dev.flowstage.hooks.pipeline.CronExpression;
import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.hooks.pipeline.PipelineStore;
import dev.flowstage.hooks.pipeline.Stage;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.run.Run;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code schedule} trigger (SPEC §6): deploys stages whose cron expression (UTC) comes due. Each
 * {@link #runDue} reads the current pipelines, fires every schedule whose next time has passed (once,
 * however many times it was missed) and computes its next time from now. A new or changed schedule
 * first fires at its next time after it was seen, never for a time in the past. Paused pipelines skip
 * their fire times. Every time that comes due is recorded in the {@link ScheduleLog}, so after a
 * restart a time missed while the server was down fires once. The background thread only calls
 * {@link #runDue} every {@code pollInterval}.
 */
public final class ScheduleTrigger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleTrigger.class);
    public static final String ACTOR = "schedule";

    private record Key(String team, String pipeline, String stage, String cron) {}

    private final SiteStore site;
    private final PipelineStore pipelines;
    private final PipelineRunner runner;
    private final ScheduleLog log;
    private final Clock clock;
    private final Map<Key, Instant> nextFire = new HashMap<>();
    private final Set<String> reportedBroken = new HashSet<>();
    private ScheduledExecutorService thread;

    public ScheduleTrigger(SiteStore site, PipelineStore pipelines, PipelineRunner runner, ScheduleLog log,
                           Clock clock) {
        this.site = site;
        this.pipelines = pipelines;
        this.runner = runner;
        this.log = log;
        this.clock = clock;
    }

    /** Starts the background thread. */
    public synchronized void start(Duration pollInterval) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowstage-schedules");
            t.setDaemon(true);
            return t;
        });
        long ms = pollInterval.toMillis();
        thread.scheduleWithFixedDelay(() -> {
            try {
                runDue();
            } catch (RuntimeException e) {
                LOG.warn("schedule check failed", e);
            }
        }, 0, ms, TimeUnit.MILLISECONDS);
    }

    /** Fires what is due now and returns the runs started. */
    public synchronized List<Run> runDue() {
        Instant now = clock.instant();
        ZonedDateTime nowUtc = now.atZone(ZoneOffset.UTC);
        Set<Key> seen = new HashSet<>();
        List<Run> started = new ArrayList<>();
        for (String team : site.teams()) {
            for (Pipeline p : pipelinesOf(team)) {
                for (Stage s : p.stages()) {
                    if (s.trigger() == null || s.trigger().schedule() == null) {
                        continue;
                    }
                    Key key = new Key(team, p.name(), s.name(), s.trigger().schedule());
                    Optional<CronExpression> cron = cron(key);
                    if (cron.isEmpty()) {
                        continue;
                    }
                    seen.add(key);
                    Instant due = nextFire.containsKey(key) ? nextFire.get(key) : firstDue(key, cron.get(), now);
                    if (due != null && !now.isBefore(due)) {
                        if (!p.paused()) {
                            fire(key).ifPresent(started::add);
                        }
                        record(key, now);
                        due = cron.get().next(nowUtc).map(ZonedDateTime::toInstant).orElse(null);
                    }
                    // null: it never comes due again, and is not looked up again either
                    nextFire.put(key, due);
                }
            }
        }
        nextFire.keySet().retainAll(seen);
        return started;
    }

    /**
     * The first due time of a schedule this process has not seen yet: the first time after the last one
     * recorded (in the past when it was missed while the server was down), or for a schedule never
     * recorded the first time after now (and now is recorded as its start).
     */
    private Instant firstDue(Key key, CronExpression cron, Instant now) {
        Optional<Instant> last;
        try {
            last = log.lastDue(key.team(), key.pipeline(), key.stage(), key.cron());
        } catch (RuntimeException e) {
            LOG.warn("cannot read when schedule '{}' of {}/{} last came due: {}", key.cron(), key.team(),
                    key.pipeline(), e.getMessage());
            last = Optional.empty();
        }
        if (last.isEmpty()) {
            record(key, now);
            return cron.next(now.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant).orElse(null);
        }
        return cron.next(last.get().atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant).orElse(null);
    }

    private void record(Key key, Instant due) {
        try {
            log.record(key.team(), key.pipeline(), key.stage(), key.cron(), due);
        } catch (RuntimeException e) {
            // the schedule still runs; only a restart right now could fire this time twice or miss one
            LOG.warn("cannot record that schedule '{}' of {}/{} came due: {}", key.cron(), key.team(),
                    key.pipeline(), e.getMessage());
        }
    }

    /** When {@code stage} of {@code pipeline} fires next, as far as the last {@link #runDue} knows. */
    public synchronized Optional<Instant> nextFire(String team, String pipeline, String stage) {
        return nextFire.entrySet().stream()
                .filter(e -> e.getKey().team().equals(team) && e.getKey().pipeline().equals(pipeline)
                        && e.getKey().stage().equals(stage))
                .map(Map.Entry::getValue).filter(Objects::nonNull).findFirst();
    }

    private Optional<Run> fire(Key key) {
        try {
            return Optional.of(runner.deploy(key.team(), key.pipeline(), key.stage(), Optional.empty(), ACTOR,
                    PipelineRunner.SCHEDULE));
        } catch (RuntimeException refused) {
            LOG.info("schedule '{}' did not deploy stage {} of pipeline {}/{}: {}", key.cron(), key.stage(),
                    key.team(), key.pipeline(), refused.getMessage());
            return Optional.empty();
        }
    }

    private Optional<CronExpression> cron(Key key) {
        try {
            return Optional.of(CronExpression.parse(key.cron()));
        } catch (RuntimeException bad) {
            // the pipeline validator refuses bad expressions; one that slipped through is reported once
            if (reportedBroken.add(key.toString())) {
                LOG.warn("stage {} of pipeline {}/{}: {}", key.stage(), key.team(), key.pipeline(), bad.getMessage());
            }
            return Optional.empty();
        }
    }

    private List<Pipeline> pipelinesOf(String team) {
        try {
            return pipelines.list(team);
        } catch (RuntimeException broken) {
            LOG.warn("cannot read the pipelines of team {}: {}", team, broken.getMessage());
            return List.of();
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
