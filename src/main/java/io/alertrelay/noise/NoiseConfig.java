package io.alertrelay.noise;

import java.util.ArrayList;
import java.util.List;

/**
 * alert-relay.inhibit-rules and alert-relay.time-intervals as bound from YAML, in Alertmanager's shape
 * (kebab-case keys); {@link InhibitRule} and {@link TimeInterval} check and compile them at startup.
 */
public final class NoiseConfig {

    private NoiseConfig() {}

    public static class InhibitRuleProperties {
        private List<String> sourceMatchers = new ArrayList<>();
        private List<String> targetMatchers = new ArrayList<>();
        private List<String> equal = new ArrayList<>();

        public List<String> getSourceMatchers() { return sourceMatchers; }
        public void setSourceMatchers(List<String> sourceMatchers) { this.sourceMatchers = sourceMatchers; }
        public List<String> getTargetMatchers() { return targetMatchers; }
        public void setTargetMatchers(List<String> targetMatchers) { this.targetMatchers = targetMatchers; }
        public List<String> getEqual() { return equal; }
        public void setEqual(List<String> equal) { this.equal = equal; }
    }

    /** A named list of intervals; a time is in it when any of them contains it. */
    public static class TimeIntervalProperties {
        private String name;
        private List<Spec> timeIntervals = new ArrayList<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public List<Spec> getTimeIntervals() { return timeIntervals; }
        public void setTimeIntervals(List<Spec> timeIntervals) { this.timeIntervals = timeIntervals; }
    }

    /** One interval: every given field must contain the time; an empty field contains every time. */
    public static class Spec {
        private List<Times> times = new ArrayList<>();
        private List<String> weekdays = new ArrayList<>();
        private List<String> daysOfMonth = new ArrayList<>();
        private List<String> months = new ArrayList<>();
        private List<String> years = new ArrayList<>();
        private String location;

        public List<Times> getTimes() { return times; }
        public void setTimes(List<Times> times) { this.times = times; }
        public List<String> getWeekdays() { return weekdays; }
        public void setWeekdays(List<String> weekdays) { this.weekdays = weekdays; }
        public List<String> getDaysOfMonth() { return daysOfMonth; }
        public void setDaysOfMonth(List<String> daysOfMonth) { this.daysOfMonth = daysOfMonth; }
        public List<String> getMonths() { return months; }
        public void setMonths(List<String> months) { this.months = months; }
        public List<String> getYears() { return years; }
        public void setYears(List<String> years) { this.years = years; }
        public String getLocation() { return location; }
        public void setLocation(String location) { this.location = location; }
    }

    public static class Times {
        private String startTime;
        private String endTime;

        public String getStartTime() { return startTime; }
        public void setStartTime(String startTime) { this.startTime = startTime; }
        public String getEndTime() { return endTime; }
        public void setEndTime(String endTime) { this.endTime = endTime; }
    }
}
