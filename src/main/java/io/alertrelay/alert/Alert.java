package io.alertrelay.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One validated alert, as stored and as handed to the payload builders. Enum-like fields are kept
 * as their lower-case wire strings so templates and payloads see exactly what the client sent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        String id,
        String clientId,
        String title,
        String message,
        String severity,
        String status,
        String reason,
        String type,
        String fingerprint,
        String source,
        String project,
        String url,
        Instant occurredAt,
        Instant firstSeen,
        Instant lastSeen,
        Long eventCount,
        Map<String, String> labels,
        JsonNode details,
        Instant receivedAt) {

    public static final String[] STATUSES = {"firing", "acknowledged", "resolved"};
    public static final String[] REASONS = {"new", "regression", "unmuted", "repeat", "test"};

    public Severity severityLevel() {
        return Severity.parse(severity).orElse(Severity.MEDIUM);
    }

    public Alert withClientId(String newClientId) {
        return new Alert(id, newClientId, title, message, severity, status, reason, type, fingerprint, source,
                project, url, occurredAt, firstSeen, lastSeen, eventCount, labels, details, receivedAt);
    }

    public Alert withId(String newId, Instant received) {
        return new Alert(newId, clientId, title, message, severity, status, reason, type, fingerprint, source,
                project, url, occurredAt, firstSeen, lastSeen, eventCount, labels, details, received);
    }
}
