package io.alertrelay.alert;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Ordered from most to least urgent, so a channel's min-severity is a rank comparison. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public boolean atLeast(Severity min) { return ordinal() <= min.ordinal(); }

    public static Optional<Severity> parse(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equalsIgnoreCase(s)).findFirst();
    }

    public static String allowed() { return "critical, high, medium, low, info"; }
}
