package io.alertrelay.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** What an API key may do. {@code admin} implies the others. */
public enum Scope {
    ALERTS_WRITE("alerts:write"),
    CHANNELS_READ("channels:read"),
    ADMIN("admin");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }

    /** Whether a key holding {@code held} may do what needs this scope. */
    public boolean grantedBy(Set<Scope> held) {
        return held.contains(ADMIN) || held.contains(this);
    }
}
