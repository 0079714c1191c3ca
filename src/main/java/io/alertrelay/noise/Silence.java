package io.alertrelay.noise;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A silence: while active, deliveries of the alerts its matchers select are not sent. */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment, Instant createdAt, Instant updatedAt) {

    /** pending (starts later), active, or expired (ended), as Alertmanager's API says. */
    public String state(Instant now) {
        if (!now.isBefore(endsAt)) {
            return "expired";
        }
        return now.isBefore(startsAt) ? "pending" : "active";
    }

    public boolean silences(Map<String, String> attributes, Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt) && Matcher.all(matchers, attributes);
    }
}
