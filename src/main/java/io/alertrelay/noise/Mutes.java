package io.alertrelay.noise;

import io.alertrelay.channel.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The named time intervals, and what they mean for a channel's mute-time-intervals and active-time-intervals. */
public record Mutes(Map<String, TimeInterval> intervals) {

    /** A mute is held at most this many interval boundaries ahead (about a year of daily ones); beyond, it drops. */
    private static final int MAX_HOLD_STEPS = 2_000;

    /** The mute interval that contains t, or "outside <active intervals>"; null when the channel may send. */
    public String mutedBy(Channel.Noise n, Instant t) {
        for (String name : n.muteTimeIntervals()) {
            if (intervals.get(name).contains(t)) {
                return name;
            }
        }
        if (!n.activeTimeIntervals().isEmpty()
                && n.activeTimeIntervals().stream().noneMatch(name -> intervals.get(name).contains(t))) {
            return "outside " + String.join(", ", n.activeTimeIntervals());
        }
        return null;
    }

    /** The first instant from {@code from} on at which the channel is neither muted nor outside its active intervals. */
    public Instant openAgain(Channel.Noise n, Instant from) {
        List<String> names = Stream.concat(n.muteTimeIntervals().stream(), n.activeTimeIntervals().stream()).toList();
        Instant t = from;
        for (int i = 0; i < MAX_HOLD_STEPS; i++) {
            if (mutedBy(n, t) == null) {
                return t;
            }
            Instant next = null;
            for (String name : names) {
                Instant c = intervals.get(name).nextChange(t);
                if (next == null || c.isBefore(next)) {
                    next = c;
                }
            }
            t = next;
        }
        return null;
    }
}
