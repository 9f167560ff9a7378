package dev.flowstage.hooks.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.MetaInvalidException;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
    private static String next(String cron, String after) {
        return CronExpression.parse(cron).next(ZonedDateTime.parse(after)).orElseThrow().toString();
    }

    @Test
    void everyMinuteIsStrictlyAfter() {
        assertEquals("2026-03-01T10:16Z", next("* * * * *", "2026-03-01T10:15:00Z"));
        assertEquals("2026-03-01T10:16Z", next("* * * * *", "2026-03-01T10:15:59Z"));
    }

    @Test
    void nightlyDeployRollsOverDaysMonthsAndYears() {
        assertEquals("2026-03-02T02:30Z", next("30 2 * * *", "2026-03-01T02:30:00Z"));
        assertEquals("2026-03-01T02:30Z", next("30 2 * * *", "2026-03-01T02:29:00Z"));
        assertEquals("2027-01-01T00:00Z", next("0 0 1 1 *", "2026-01-01T00:00:00Z"));
        assertEquals("2026-04-01T02:30Z", next("30 2 * * *", "2026-03-31T03:00:00Z"));
    }

    @Test
    void listsRangesAndSteps() {
        assertEquals("2026-03-01T10:30Z", next("0,30 * * * *", "2026-03-01T10:00:00Z"));
        assertEquals("2026-03-01T10:15Z", next("*/15 * * * *", "2026-03-01T10:01:00Z"));
        assertEquals("2026-03-01T10:20Z", next("10-40/10 * * * *", "2026-03-01T10:10:00Z"));
        assertEquals("2026-03-01T11:10Z", next("10-40/10 * * * *", "2026-03-01T10:40:00Z"));
        assertEquals("2026-03-01T10:50Z", next("5/15 * * * *", "2026-03-01T10:36:00Z"));
        assertEquals("2026-03-01T17:00Z", next("0 9-17/4 * * *", "2026-03-01T13:00:00Z"));
    }

    @Test
    void weekdaysByNumberOrNameAndSundayAsSeven() {
        // 2026-03-01 is a Sunday
        assertEquals("2026-03-02T22:00Z", next("0 22 * * 1-5", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-06T22:00Z", next("0 22 * * FRI", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-08T06:00Z", next("0 6 * * 7", "2026-03-01T07:00:00Z"));
        assertEquals("2026-03-08T06:00Z", next("0 6 * * sun", "2026-03-01T07:00:00Z"));
        assertEquals("2026-06-01T00:00Z", next("0 0 1 jun *", "2026-03-01T00:00:00Z"));
    }

    @Test
    void restrictedDayAndWeekdayFireOnEither() {
        // the 15th, or any Monday: Monday 2026-03-02 comes first
        assertEquals("2026-03-02T00:00Z", next("0 0 15 * MON", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-15T00:00Z", next("0 0 15 * MON", "2026-03-09T00:00:00Z"));
        // day-of-month restricted, weekday "*": only the day counts
        assertEquals("2026-03-15T00:00Z", next("0 0 15 * *", "2026-03-02T00:00:00Z"));
    }

    @Test
    void leapDaysAndImpossibleDates() {
        assertEquals("2028-02-29T12:00Z", next("0 12 29 2 *", "2026-03-01T00:00:00Z"));
        assertTrue(CronExpression.parse("0 0 30 2 *").next(ZonedDateTime.parse("2026-01-01T00:00:00Z")).isEmpty());
    }

    @Test
    void badExpressionsNameTheFieldAndTheProblem() {
        assertEquals("cron expression '* * * *' must have 5 fields (minute hour day-of-month month day-of-week), not 4",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("* * * *")).getMessage());
        assertEquals("cron expression '60 * * * *': minute '60' is out of range 0-59",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("60 * * * *")).getMessage());
        assertEquals("cron expression '0 0 0 * *': day-of-month '0' is out of range 1-31",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 0 * *")).getMessage());
        assertEquals("cron expression '*/0 * * * *': minute '*/0': the step must be at least 1",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("*/0 * * * *")).getMessage());
        assertEquals("cron expression '0 0 * * MOO': day-of-week 'MOO' is not a number, range, step or list",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 * * MOO")).getMessage());
        assertEquals("cron expression '5-1 * * * *': minute '5-1' is out of range 0-59",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("5-1 * * * *")).getMessage());
        assertEquals("cron expression '1,,2 * * * *': minute '' is not a number, range, step or list",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("1,,2 * * * *")).getMessage());
        assertEquals("cron expression is empty",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse(" ")).getMessage());
    }
}
