package dev.flowstage.hooks.pipeline;

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
        assertEquals("2026-03-15T00:00Z", next("0 0 1,15 * MON", "2026-03-09T00:00:00Z"));
        // Vixie looks at the first character, not at what the field covers: 1-31 is restricted, so any day
        assertEquals("2026-03-04T00:00Z", next("0 0 1-31 * MON", "2026-03-03T00:00:00Z"));
    }

    @Test
    void aStarDayOfMonthLeavesTheWeekdayAlone() {
        assertEquals("2026-03-02T00:00Z", next("0 0 * * MON", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-09T00:00Z", next("0 0 * * MON", "2026-03-02T00:00:00Z"));
        // day-of-month restricted, weekday "*": only the day counts
        assertEquals("2026-03-15T00:00Z", next("0 0 15 * *", "2026-03-02T00:00:00Z"));
    }

    @Test
    void aDayFieldStartingWithStarAndAStepIsStillAStar() {
        // odd days that are Mondays (Vixie's DOM_STAR): not every odd day plus every Monday
        assertEquals("2026-03-09T00:00Z", next("0 0 */2 * MON", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-23T00:00Z", next("0 0 */2 * MON", "2026-03-09T00:00:00Z"));
        assertEquals("2026-03-09T00:00Z", next("0 0 *,15 * MON", "2026-03-02T00:00:00Z"), "a list starting with *");
        // the same from the weekday side: a 13th that is a Sunday, Tuesday, Thursday or Saturday
        assertEquals("2026-06-13T00:00Z", next("0 0 13 * */2", "2026-03-02T00:00:00Z"));
    }

    @Test
    void sundayIsZeroAndSeven() {
        // 2026-03-06 is a Friday
        for (String sunday : new String[] {"0", "7", "SUN", "sun", "0,7"}) {
            assertEquals("2026-03-08T06:00Z", next("0 6 * * " + sunday, "2026-03-06T07:00:00Z"), sunday);
        }
        assertEquals("2026-03-07T06:00Z", next("0 6 * * 5-7", "2026-03-06T07:00:00Z"));
        assertEquals("2026-03-08T06:00Z", next("0 6 * * 6-7", "2026-03-07T07:00:00Z"));
        assertEquals("2026-03-08T06:00Z", next("0 6 * * FRI-7", "2026-03-07T07:00:00Z"));
    }

    @Test
    void monthAndWeekdayNamesInListsAndRanges() {
        assertEquals("2026-03-02T09:00Z", next("0 9 * JAN-MAR MON-FRI", "2026-03-01T00:00:00Z"));
        assertEquals("2027-01-01T09:00Z", next("0 9 * JAN-MAR MON-FRI", "2026-03-31T10:00:00Z"));
        assertEquals("2026-06-01T00:00Z", next("0 0 1 jun,Dec *", "2026-03-01T00:00:00Z"));
        assertEquals("2026-12-01T00:00Z", next("0 0 1 jun,Dec *", "2026-06-01T00:00:00Z"));
        assertEquals("2026-03-04T00:00Z", next("0 0 * * MON-FRI/2", "2026-03-02T00:00:00Z"));
    }

    @Test
    void leapDaysAndImpossibleDates() {
        assertEquals("2028-02-29T12:00Z", next("0 12 29 2 *", "2026-03-01T00:00:00Z"));
        assertEquals("2026-03-29T00:00Z", next("0 0 29 * *", "2026-01-29T00:00:00Z"), "no Feb 29 in 2026");
        assertEquals("2028-02-29T00:00Z", next("0 0 29 * *", "2028-01-29T00:00:00Z"));
        // Feb 29 that is a Sunday ("*/7" is 0 and 7, and starts with '*' so both must match)
        assertEquals("2032-02-29T00:00Z", next("0 0 29 2 */7", "2026-03-01T00:00:00Z"));
        assertTrue(CronExpression.parse("0 0 30 2 *").next(ZonedDateTime.parse("2026-01-01T00:00:00Z")).isEmpty());
        assertTrue(CronExpression.parse("0 0 31 4,6,9,11 *").next(ZonedDateTime.parse("2026-01-01T00:00:00Z"))
                .isEmpty());
    }

    @Test
    void theThirtyFirstSkipsShorterMonths() {
        assertEquals("2026-03-31T00:00Z", next("0 0 31 * *", "2026-01-31T00:00:00Z"));
        assertEquals("2026-05-31T00:00Z", next("0 0 31 * *", "2026-03-31T00:00:00Z"));
        assertEquals("2026-07-31T00:00Z", next("0 0 31 * *", "2026-05-31T00:00:00Z"));
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
        assertEquals("cron expression '5-1 * * * *': minute '5-1' runs backwards (5 > 1)",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("5-1 * * * *")).getMessage());
        assertEquals("cron expression '0 0 * * MON-SUN': day-of-week 'MON-SUN' runs backwards (1 > 0);"
                + " write Sunday as 7 at the end of a range",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 * * MON-SUN")).getMessage());
        assertEquals("cron expression '0 0 * * 8': day-of-week '8' is out of range 0-7",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 * * 8")).getMessage());
        assertEquals("cron expression '0 0 * 13 *': month '13' is out of range 1-12",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 * 13 *")).getMessage());
        assertEquals("cron expression '0 24 * * *': hour '24' is out of range 0-23",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 24 * * *")).getMessage());
        assertEquals("cron expression '0 0 * JANUARY *': month 'JANUARY' is not a number, range, step or list",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 * JANUARY *")).getMessage());
        assertEquals("cron expression '0 0 L * *': day-of-month 'L' is not a number, range, step or list",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 L * *")).getMessage());
        assertEquals("cron expression '0 0 0 * * ?' must have 5 fields (minute hour day-of-month month day-of-week),"
                + " not 6", assertThrows(MetaInvalidException.class, () -> CronExpression.parse("0 0 0 * * ?"))
                .getMessage());
        assertEquals("cron expression '1,,2 * * * *': minute '' is not a number, range, step or list",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse("1,,2 * * * *")).getMessage());
        assertEquals("cron expression is empty",
                assertThrows(MetaInvalidException.class, () -> CronExpression.parse(" ")).getMessage());
    }
}
