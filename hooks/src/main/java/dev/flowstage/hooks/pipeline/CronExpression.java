package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.meta.MetaInvalidException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A classic 5-field cron expression, {@code minute hour day-of-month month day-of-week}, each field
 * {@code *}, a number, a range {@code a-b}, a step <code>*&#47;n</code>, {@code a-b/n} or {@code a/n}, or a
 * comma list of these; months and weekdays also by English abbreviation (JAN, MON); weekday 0 and 7
 * are Sunday.
 *
 * <p>The two day fields combine as in Vixie cron: a field that starts with {@code *}
 * ({@code *}, <code>*&#47;2</code>, {@code *,15}) counts as unrestricted, and a day must then match both; only
 * when neither starts with {@code *} does a day matching either one fire. So <code>0 0 *&#47;2 * MON</code> is
 * the odd days that are Mondays, and {@code 0 0 1,15 * MON} the 1st, the 15th and every Monday.
 *
 * <p>Kept hand-written rather than taken from cron-utils: that library's UNIX definition has had
 * bugs in exactly this day-field rule, and this class is small and tested against Vixie's rules.
 */
public final class CronExpression {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
            "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    // Feb 29 on a given weekday recurs within 28 years; past that, nothing will ever match
    private static final int MAX_YEARS = 29;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet weekdays;
    private final boolean anyDay;
    private final boolean anyWeekday;

    private CronExpression(String text, String[] f) {
        this.text = text;
        minutes = field("minute", f[0], 0, 59, null);
        hours = field("hour", f[1], 0, 23, null);
        days = field("day-of-month", f[2], 1, 31, null);
        months = field("month", f[3], 1, 12, MONTHS);
        BitSet dow = field("day-of-week", f[4], 0, 7, DAYS);
        if (dow.get(7)) {
            dow.set(0);
        }
        weekdays = dow;
        // Vixie cron's DOM_STAR / DOW_STAR: decided by the field's first character, not by what it matches
        anyDay = f[2].startsWith("*");
        anyWeekday = f[4].startsWith("*");
    }

    /** @throws MetaInvalidException naming the field and the problem */
    public static CronExpression parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new MetaInvalidException("cron expression is empty");
        }
        String text = expression.strip();
        String[] fields = text.split("\\s+");
        if (fields.length != 5) {
            throw new MetaInvalidException("cron expression '" + text + "' must have 5 fields (minute hour"
                    + " day-of-month month day-of-week), not " + fields.length);
        }
        return new CronExpression(text, fields);
    }

    /** The first matching minute strictly after {@code after} (in its zone); empty when none ever comes. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = after.plusYears(MAX_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private boolean dayMatches(LocalDate d) {
        boolean day = days.get(d.getDayOfMonth());
        boolean weekday = weekdays.get(d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue());
        if (anyDay || anyWeekday) {
            return day && weekday;
        }
        return day || weekday;
    }

    @Override
    public String toString() {
        return text;
    }

    private BitSet field(String name, String spec, int min, int max, List<String> names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : spec.split(",", -1)) {
            String where = "cron expression '" + text + "': " + name + " '" + part + "'";
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(where, part.substring(slash + 1), null);
                if (step < 1) {
                    throw new MetaInvalidException(where + ": the step must be at least 1");
                }
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                from = number(where, dash < 0 ? range : range.substring(0, dash), names);
                // "a/n" means from a to the end, as cronie reads it (Vixie cron refuses it)
                to = dash >= 0 ? number(where, range.substring(dash + 1), names) : slash >= 0 ? max : from;
            }
            if (from < min || to > max) {
                throw new MetaInvalidException(where + " is out of range " + min + "-" + max);
            }
            if (from > to) {
                throw new MetaInvalidException(where + " runs backwards (" + from + " > " + to + ")"
                        + (names == DAYS && to == 0 ? "; write Sunday as 7 at the end of a range" : ""));
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String where, String s, List<String> names) {
        if (names != null) {
            int i = names.indexOf(s.toUpperCase(Locale.ROOT));
            if (i >= 0) {
                return names.size() == 12 ? i + 1 : i;
            }
        }
        if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(Character::isDigit)) {
            throw new MetaInvalidException(where + " is not a number, range, step or list");
        }
        return Integer.parseInt(s);
    }
}
