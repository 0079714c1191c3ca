package io.alertrelay.noise;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * A named time interval with Alertmanager's semantics: a time is in it when any of its specs contains it;
 * a spec contains a time when each of its given fields does (times of day with an exclusive end, weekdays,
 * days of month counted from the end when negative, months, years; ranges inclusive), read on the wall
 * clock of the spec's location (UTC by default). Being read on the local wall clock is what handles DST:
 * "09:00-17:00 in Europe/Berlin" is 09:00 to 17:00 there on the days the clocks change too.
 */
public final class TimeInterval {

    private static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december");
    private static final Pattern CLOCK = Pattern.compile("([01]\\d|2[0-4]):([0-5]\\d)");

    private record Range(int from, int to) {
        boolean contains(int v) {
            return v >= from && v <= to;
        }
    }

    /** Minutes of the day, end exclusive. */
    private record Minutes(int start, int end) {}

    private record Spec(List<Minutes> times, List<Range> weekdays, List<Range> daysOfMonth, List<Range> months,
                        List<Range> years, ZoneId zone) {

        boolean contains(Instant t) {
            ZonedDateTime z = t.atZone(zone);
            if (!times.isEmpty()) {
                int minute = z.getHour() * 60 + z.getMinute();
                if (times.stream().noneMatch(m -> minute >= m.start() && minute < m.end())) {
                    return false;
                }
            }
            if (!daysOfMonth.isEmpty() && daysOfMonth.stream().noneMatch(r -> dayInRange(r, z))) {
                return false;
            }
            if (!weekdays.isEmpty() && weekdays.stream().noneMatch(r -> r.contains(z.getDayOfWeek().getValue() % 7))) {
                return false;
            }
            if (!months.isEmpty() && months.stream().noneMatch(r -> r.contains(z.getMonthValue()))) {
                return false;
            }
            return years.isEmpty() || years.stream().anyMatch(r -> r.contains(z.getYear()));
        }

        /** As Alertmanager: negative days count from the month's end; a range is clamped to the month. */
        private static boolean dayInRange(Range r, ZonedDateTime z) {
            int days = z.toLocalDate().lengthOfMonth();
            int begin = r.from() < 0 ? days + r.from() + 1 : r.from();
            int end = r.to() < 0 ? days + r.to() + 1 : r.to();
            if (begin > days) {
                return false;
            }
            end = Math.min(end, days);
            return z.getDayOfMonth() >= begin && z.getDayOfMonth() <= end;
        }

        /** The next instant after t at which contains() may change: a time-of-day boundary or local midnight. */
        Instant nextChange(Instant t) {
            ZonedDateTime z = t.atZone(zone);
            LocalDate day = z.toLocalDate();
            Instant best = day.plusDays(1).atStartOfDay(zone).toInstant();
            for (Minutes m : times) {
                for (int minute : new int[] {m.start(), m.end()}) {
                    if (minute >= 24 * 60) {
                        continue; // midnight, already a candidate
                    }
                    Instant at = ZonedDateTime.of(day, java.time.LocalTime.of(minute / 60, minute % 60), zone).toInstant();
                    if (at.isAfter(t) && at.isBefore(best)) {
                        best = at;
                    }
                }
            }
            return best;
        }
    }

    private final String name;
    private final List<Spec> specs;

    private TimeInterval(String name, List<Spec> specs) {
        this.name = name;
        this.specs = specs;
    }

    public String name() {
        return name;
    }

    public boolean contains(Instant t) {
        return specs.stream().anyMatch(s -> s.contains(t));
    }

    /** The next instant after t at which contains() may change; never later than the next midnight of a spec. */
    public Instant nextChange(Instant t) {
        Instant best = t.plus(java.time.Duration.ofDays(1));
        for (Spec s : specs) {
            Instant c = s.nextChange(t);
            if (c.isBefore(best)) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Checks and compiles a configured interval; IllegalArgumentException names the field that is wrong,
     * e.g. {@code time-intervals[0].weekdays[1]: unknown weekday "mon"}.
     */
    public static TimeInterval of(NoiseConfig.TimeIntervalProperties p) {
        if (p.getName() == null || p.getName().isBlank()) {
            throw new IllegalArgumentException("name: is required");
        }
        List<Spec> specs = new ArrayList<>();
        List<NoiseConfig.Spec> declared = p.getTimeIntervals() == null ? List.of() : p.getTimeIntervals();
        for (int i = 0; i < declared.size(); i++) {
            specs.add(spec(declared.get(i), "time-intervals[" + i + "]"));
        }
        return new TimeInterval(p.getName(), specs);
    }

    private static Spec spec(NoiseConfig.Spec s, String where) {
        ZoneId zone = ZoneOffset.UTC;
        if (s.getLocation() != null && !s.getLocation().isBlank() && !s.getLocation().equalsIgnoreCase("UTC")) {
            try {
                zone = s.getLocation().equalsIgnoreCase("Local") ? ZoneId.systemDefault() : ZoneId.of(s.getLocation());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(where + ".location: unknown time zone \"" + s.getLocation()
                        + "\" (use an IANA name such as Europe/Berlin)");
            }
        }
        List<Minutes> times = new ArrayList<>();
        List<NoiseConfig.Times> declared = s.getTimes() == null ? List.of() : s.getTimes();
        for (int i = 0; i < declared.size(); i++) {
            String at = where + ".times[" + i + "]";
            int start = clock(declared.get(i).getStartTime(), at + ".start-time");
            int end = clock(declared.get(i).getEndTime(), at + ".end-time");
            if (start >= end) {
                throw new IllegalArgumentException(at + ": start-time must be before end-time");
            }
            times.add(new Minutes(start, end));
        }
        return new Spec(times, ranges(s.getWeekdays(), where + ".weekdays", v -> named(v, WEEKDAYS, "weekday", 0, -1)),
                days(s.getDaysOfMonth(), where + ".days-of-month"),
                ranges(s.getMonths(), where + ".months", v -> named(v, MONTHS, "month", 1, 12)),
                ranges(s.getYears(), where + ".years", v -> number(v, "year", 1, 9999)), zone);
    }

    private static int clock(String v, String field) {
        java.util.regex.Matcher m = v == null ? null : CLOCK.matcher(v.trim());
        if (m == null || !m.matches() || (m.group(1).equals("24") && !m.group(2).equals("00"))) {
            throw new IllegalArgumentException(field + ": must be HH:MM from 00:00 to 24:00, got \"" + v + "\"");
        }
        return Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
    }

    private static List<Range> ranges(List<String> values, String field, ToIntFunction<String> parse) {
        List<Range> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (int i = 0; i < values.size(); i++) {
            String at = field + "[" + i + "]";
            String v = values.get(i) == null ? "" : values.get(i).trim();
            String[] parts = v.split(":", -1);
            try {
                if (parts.length > 2) {
                    throw new IllegalArgumentException("must be a value or a range from:to, got \"" + v + "\"");
                }
                int from = parse.applyAsInt(parts[0]);
                int to = parts.length == 2 ? parse.applyAsInt(parts[1]) : from;
                if (from > to) {
                    throw new IllegalArgumentException("range \"" + v + "\" starts after it ends");
                }
                out.add(new Range(from, to));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Range> days(List<String> values, String field) {
        List<Range> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (int i = 0; i < values.size(); i++) {
            String at = field + "[" + i + "]";
            String v = values.get(i) == null ? "" : values.get(i).trim();
            // "-3:-1": the colon splits; a minus sign belongs to its number
            String[] parts = v.split(":", -1);
            try {
                if (parts.length > 2) {
                    throw new IllegalArgumentException("must be a day or a range from:to, got \"" + v + "\"");
                }
                int from = day(parts[0]);
                int to = parts.length == 2 ? day(parts[1]) : from;
                // as Alertmanager: only ranges whose ends have the same sign can be checked here
                if ((from > 0) == (to > 0) && from > to) {
                    throw new IllegalArgumentException("range \"" + v + "\" starts after it ends");
                }
                out.add(new Range(from, to));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static int day(String v) {
        int d = number(v, "day of month", -31, 31);
        if (d == 0) {
            throw new IllegalArgumentException("day of month 0 does not exist (1 to 31, or -1 for the last day)");
        }
        return d;
    }

    private static int named(String v, List<String> names, String what, int firstNumber, int lastNumber) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = names.indexOf(s);
        if (i >= 0) {
            return i + firstNumber;
        }
        if (lastNumber > 0 && s.matches("\\d{1,2}")) {
            return number(s, what, firstNumber, lastNumber);
        }
        throw new IllegalArgumentException("unknown " + what + " \"" + v + "\"");
    }

    private static int number(String v, String what, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + what + ": \"" + v + "\"");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(what + " must be from " + min + " to " + max + ", got " + n);
        }
        return n;
    }
}
