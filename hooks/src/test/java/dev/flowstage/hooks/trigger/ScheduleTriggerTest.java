package dev.flowstage.hooks.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.pipeline.PipelineRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules against a clock the test moves: no waiting on the wall clock. */
class ScheduleTriggerTest {
    /** A clock that stands still until told to move. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(String iso) {
            now = Instant.parse(iso);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path data;
    TriggerFixture fx;
    MovableClock clock = new MovableClock(Instant.parse("2026-03-01T01:00:00Z"));
    ScheduleTrigger schedules;

    @BeforeEach
    void start() throws Exception {
        fx = new TriggerFixture(data);
        schedules = restarted();
        fx.pipeline("{'name':'nightly','application':'app','stages':["
                + "{'name':'dev','instance':'dev','trigger':{'schedule':'30 2 * * *'}},"
                + "{'name':'qa','instance':'qa'}]}");
    }

    /** A trigger as a freshly started server has it: nothing in memory, all it knows comes from Git. */
    private ScheduleTrigger restarted() {
        return new ScheduleTrigger(fx.site, fx.pipelines, fx.runner, new ScheduleLog(fx.repos), clock);
    }

    @AfterEach
    void stop() {
        schedules.close();
        fx.close();
    }

    @Test
    void aStageFiresAtItsCronTimeOnceAndThenTheNextDay() {
        assertEquals(0, schedules.runDue().size());
        assertEquals(Optional.of(Instant.parse("2026-03-01T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));
        clock.set("2026-03-01T02:29:59Z");
        assertEquals(0, schedules.runDue().size());
        clock.set("2026-03-01T02:30:00Z");
        assertEquals(1, schedules.runDue().size());
        assertEquals(new RecordingRunner.Call("acme", "nightly", "dev", Optional.empty(), ScheduleTrigger.ACTOR,
                PipelineRunner.SCHEDULE), fx.runner.calls.get(0));
        clock.set("2026-03-01T02:30:40Z");
        assertEquals(0, schedules.runDue().size(), "one fire per due time");
        assertEquals(Optional.of(Instant.parse("2026-03-02T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));
    }

    @Test
    void missedTimesFireOnceAndAPausedPipelineSkipsItsTime() throws Exception {
        schedules.runDue();
        clock.set("2026-03-04T09:00:00Z"); // three nights missed (the server was down)
        assertEquals(1, schedules.runDue().size());
        assertEquals(Optional.of(Instant.parse("2026-03-05T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));

        fx.pipelines.setPaused("acme", "olive", "nightly", true);
        clock.set("2026-03-05T02:30:00Z");
        assertEquals(0, schedules.runDue().size());
        fx.pipelines.setPaused("acme", "olive", "nightly", false);
        clock.set("2026-03-05T12:00:00Z");
        assertEquals(0, schedules.runDue().size(), "the paused night is not made up for after resume");
        clock.set("2026-03-06T02:30:00Z");
        assertEquals(1, schedules.runDue().size());
        assertEquals(2, fx.runner.calls.size());
    }

    @Test
    void aNewScheduleStartsFromNowAndARemovedOneStops() throws Exception {
        clock.set("2026-03-01T03:00:00Z");
        fx.pipeline("{'name':'hourly','application':'app','stages':["
                + "{'name':'qa','instance':'qa','trigger':{'schedule':'0 * * * *'}},{'name':'prod','instance':'prod'}]}");
        assertEquals(0, schedules.runDue().size(), "03:00 was not in the future when the schedule was first seen");
        clock.set("2026-03-01T04:00:00Z");
        assertEquals(1, schedules.runDue().size());
        assertEquals("hourly", fx.runner.calls.get(0).pipeline());

        fx.pipelines.delete("acme", "olive", "hourly");
        clock.set("2026-03-01T05:00:00Z");
        assertEquals(0, schedules.runDue().size());
        assertEquals(Optional.empty(), schedules.nextFire("acme", "hourly", "qa"));
    }

    @Test
    void theBackgroundThreadRunsTheSameCheck() throws Exception {
        schedules.runDue();
        clock.set("2026-03-01T02:30:00Z");
        schedules.start(Duration.ofMillis(10));
        assertEquals(new RecordingRunner.Call("acme", "nightly", "dev", Optional.empty(), ScheduleTrigger.ACTOR,
                PipelineRunner.SCHEDULE), fx.runner.awaitCall());
        // runDue and nextFire share a lock: this waits for the firing check to finish, and with the clock
        // standing still no later check can fire again
        assertEquals(Optional.of(Instant.parse("2026-03-02T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));
        assertEquals(1, fx.runner.calls.size());
    }

    @Test
    void aTimeMissedWhileTheServerWasDownFiresOnceAfterARestart() {
        assertEquals(0, schedules.runDue().size()); // first seen at 01:00
        schedules.close();

        clock.set("2026-03-03T09:00:00Z"); // down over two nights
        schedules = restarted();
        assertEquals(1, schedules.runDue().size(), "the missed nights fire once");
        assertEquals(0, schedules.runDue().size());
        assertEquals(Optional.of(Instant.parse("2026-03-04T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));
        schedules.close();

        schedules = restarted(); // restarted again at once: nothing new was missed
        assertEquals(0, schedules.runDue().size());
        clock.set("2026-03-04T02:30:00Z");
        assertEquals(1, schedules.runDue().size());
        assertEquals(2, fx.runner.calls.size());
    }

    @Test
    void aScheduleFirstSeenAfterTheServerStartsNeverFiresForThePast() {
        clock.set("2026-03-03T09:00:00Z");
        schedules.close();
        schedules = restarted();
        assertEquals(0, schedules.runDue().size(), "no record of this schedule: it counts from now");
        assertEquals(Optional.of(Instant.parse("2026-03-04T02:30:00Z")), schedules.nextFire("acme", "nightly", "dev"));
    }

    @Test
    void aTimeSkippedWhilePausedIsNotMadeUpAfterARestartNorIsAChangedSchedulesPast() throws Exception {
        schedules.runDue();
        fx.pipelines.setPaused("acme", "olive", "nightly", true);
        clock.set("2026-03-01T02:30:00Z");
        assertEquals(0, schedules.runDue().size());
        schedules.close();
        fx.pipelines.setPaused("acme", "olive", "nightly", false);

        clock.set("2026-03-01T12:00:00Z");
        schedules = restarted();
        assertEquals(0, schedules.runDue().size(), "the skipped time was recorded");

        // a changed expression is a new schedule: it counts from when it was first seen, and a time of
        // its own missed while the server was down fires once
        fx.pipelines.replace("acme", "olive", "nightly", TriggerFixture.JSON.readTree(("{'name':'nightly',"
                + "'application':'app','stages':[{'name':'dev','instance':'dev','trigger':{'schedule':'0 3 * * *'}},"
                + "{'name':'qa','instance':'qa'}]}").replace('\'', '"')));
        assertEquals(0, schedules.runDue().size());
        schedules.close();
        clock.set("2026-03-02T12:00:00Z");
        schedules = restarted();
        assertEquals(1, schedules.runDue().size());
        assertEquals(1, fx.runner.calls.size());
    }
}
