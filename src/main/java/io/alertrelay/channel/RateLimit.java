package io.alertrelay.channel;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "120/min": how many deliveries a channel may send per period. */
public record RateLimit(int permits, Duration period) {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+)\\s*/\\s*(s|sec|second|m|min|minute|h|hour)\\s*");

    public static RateLimit parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(1)) <= 0) {
            throw new IllegalArgumentException("must look like 120/min, 1/s or 1000/hour, got \"" + text + "\"");
        }
        Duration period = switch (m.group(2)) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), period);
    }

    @Override
    public String toString() {
        return permits + "/" + (period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "min" : "hour");
    }
}
