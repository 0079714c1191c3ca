package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.channel.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager's time_interval semantics (timeinterval/timeinterval.go), DST included. */
class TimeIntervalTest {

    static NoiseConfig.Times times(String start, String end) {
        NoiseConfig.Times t = new NoiseConfig.Times();
        t.setStartTime(start);
        t.setEndTime(end);
        return t;
    }

    static TimeInterval interval(String name, NoiseConfig.Spec... specs) {
        NoiseConfig.TimeIntervalProperties p = new NoiseConfig.TimeIntervalProperties();
        p.setName(name);
        p.setTimeIntervals(List.of(specs));
        return TimeInterval.of(p);
    }

    static NoiseConfig.Spec spec(String location, List<NoiseConfig.Times> times, List<String> weekdays) {
        NoiseConfig.Spec s = new NoiseConfig.Spec();
        s.setLocation(location);
        s.setTimes(times);
        s.setWeekdays(weekdays);
        return s;
    }

    static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void officeHoursAreReadOnTheLocalWallClockOnBothSidesOfADstChange() {
        TimeInterval office = interval("office", spec("Europe/Berlin", List.of(times("09:00", "17:00")),
                List.of("monday:friday")));
        // Friday 27 March 2026, CET (UTC+1): 09:00 local is 08:00 UTC
        assertThat(office.contains(at("2026-03-27T07:59:00Z"))).isFalse();
        assertThat(office.contains(at("2026-03-27T08:00:00Z"))).isTrue();
        assertThat(office.contains(at("2026-03-27T15:59:00Z"))).isTrue();
        assertThat(office.contains(at("2026-03-27T16:00:00Z"))).isFalse(); // end time exclusive
        // Monday 30 March 2026, CEST (UTC+2) since Sunday: 09:00 local is 07:00 UTC
        assertThat(office.contains(at("2026-03-30T07:00:00Z"))).isTrue();
        assertThat(office.contains(at("2026-03-30T15:00:00Z"))).isFalse();
        // the weekend
        assertThat(office.contains(at("2026-03-28T10:00:00Z"))).isFalse();
    }

    @Test
    void aHeldDeliveryWaitsUntilTheLocalEndOfANightThatCrossesTheDstChange() {
        TimeInterval nights = interval("nights", spec("Europe/Berlin",
                List.of(times("22:00", "24:00"), times("00:00", "06:00")), List.of()));
        Mutes mutes = new Mutes(Map.of("nights", nights));
        Channel.Noise muted = new Channel.Noise(true, List.of("nights"), List.of(), true, null);
        // 23:30 UTC on 28 March is 00:30 CET on Sunday 29 March; at 02:00 the clocks jump to 03:00 CEST
        Instant from = at("2026-03-28T23:30:00Z");
        assertThat(mutes.mutedBy(muted, from)).isEqualTo("nights");
        // 06:00 CEST is 04:00 UTC (it would be 05:00 UTC without the change)
        assertThat(mutes.openAgain(muted, from)).isEqualTo(at("2026-03-29T04:00:00Z"));
        // and in autumn, 06:00 CET on 25 October is 05:00 UTC
        assertThat(mutes.openAgain(muted, at("2026-10-24T22:30:00Z"))).isEqualTo(at("2026-10-25T05:00:00Z"));
    }

    @Test
    void activeTimeIntervalsMuteEverythingOutsideThem() {
        TimeInterval office = interval("office", spec("UTC", List.of(times("09:00", "17:00")), List.of("monday:friday")));
        Mutes mutes = new Mutes(Map.of("office", office));
        Channel.Noise onlyOffice = new Channel.Noise(true, List.of(), List.of("office"), true, null);
        assertThat(mutes.mutedBy(onlyOffice, at("2026-12-04T12:00:00Z"))).isNull(); // a Friday
        assertThat(mutes.mutedBy(onlyOffice, at("2026-12-05T12:00:00Z"))).isEqualTo("outside office");
        // Saturday noon waits for Monday 09:00
        assertThat(mutes.openAgain(onlyOffice, at("2026-12-05T12:00:00Z"))).isEqualTo(at("2026-12-07T09:00:00Z"));
    }

    @Test
    void daysOfMonthCountFromTheEndWhenNegativeAndMonthsAndYearsAreInclusiveRanges() {
        NoiseConfig.Spec lastDays = new NoiseConfig.Spec();
        lastDays.setDaysOfMonth(List.of("-3:-1"));
        lastDays.setMonths(List.of("february", "11:december"));
        lastDays.setYears(List.of("2026:2027"));
        TimeInterval closing = interval("closing", lastDays);
        assertThat(closing.contains(at("2026-02-26T12:00:00Z"))).isTrue();  // 28 days: 26..28
        assertThat(closing.contains(at("2026-02-25T12:00:00Z"))).isFalse();
        assertThat(closing.contains(at("2026-11-28T00:00:00Z"))).isTrue();  // 30 days: 28..30
        assertThat(closing.contains(at("2026-12-29T00:00:00Z"))).isTrue();  // 31 days: 29..31
        assertThat(closing.contains(at("2026-03-30T00:00:00Z"))).isFalse(); // not in the months
        assertThat(closing.contains(at("2028-02-28T00:00:00Z"))).isFalse(); // not in the years
    }

    @Test
    void badIntervalsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> interval("x", spec("Mars/Olympus", List.of(), List.of())))
                .hasMessageContaining("time-intervals[0].location").hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> interval("x", spec(null, List.of(times("17:00", "09:00")), List.of())))
                .hasMessageContaining("time-intervals[0].times[0]: start-time must be before end-time");
        assertThatThrownBy(() -> interval("x", spec(null, List.of(times("9am", "17:00")), List.of())))
                .hasMessageContaining("times[0].start-time");
        assertThatThrownBy(() -> interval("x", spec(null, List.of(), List.of("mon"))))
                .hasMessageContaining("weekdays[0]: unknown weekday \"mon\"");
        assertThatThrownBy(() -> interval("x", spec(null, List.of(), List.of("friday:monday"))))
                .hasMessageContaining("starts after it ends");
    }
}
