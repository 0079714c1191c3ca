package io.alertrelay.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import io.alertrelay.delivery.Limits;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Maps Prometheus Alertmanager's webhook payload (version 4) onto relay alerts. The mapping builds the
 * relay's own alert JSON and runs it through {@link AlertParser}, so both entry points share one set
 * of rules and error messages.
 *
 * <p>Alertmanager does not retry a refused notification: it drops the whole group. So whatever it can
 * send is taken: a value over a relay limit is cut with {@link Limits#MARKER}, and a value the relay's
 * alert cannot hold (an empty or over-long label name, a generatorURL that is not an absolute http(s)
 * URL) moves to {@code details}, where nothing is lost. Only a payload that is not Alertmanager's at all
 * (another version, no alerts array, a status it never sends) is refused.
 */
@Component
public class AlertmanagerMapper {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final ObjectMapper json;
    private final AlertParser parser;

    public AlertmanagerMapper(ObjectMapper json, AlertParser parser) {
        this.json = json;
        this.parser = parser;
    }

    public List<Alert> map(JsonNode root) {
        List<FieldError> errors = new ArrayList<>();
        if (!root.isObject()) {
            throw InvalidAlertException.of(List.of(new FieldError("$",
                    "expected an Alertmanager webhook object, got " + AlertParser.typeName(root))));
        }
        JsonNode version = root.get("version");
        if (version != null && !version.isNull() && !"4".equals(version.asText())) {
            errors.add(new FieldError("version", "only Alertmanager webhook version 4 is supported, got \""
                    + version.asText() + "\""));
        }
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            errors.add(new FieldError("alerts", alerts == null ? "is required"
                    : "must be an array, got " + AlertParser.typeName(alerts)));
        } else if (alerts.isEmpty()) {
            errors.add(new FieldError("alerts", "the array holds no alert"));
        }
        // no upper bound on the number of alerts: max_alerts is optional in Alertmanager, and it drops a group
        // that is refused, so a group larger than alert-relay.ingest.max-batch is taken whole (one commit)
        if (!errors.isEmpty()) {
            throw InvalidAlertException.of(errors);
        }

        String externalUrl = text(root, "externalURL");
        List<Alert> out = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            String prefix = "alerts[" + i + "].";
            if (!a.isObject()) {
                errors.add(new FieldError("alerts[" + i + "]", "expected an object, got " + AlertParser.typeName(a)));
                continue;
            }
            try {
                out.add(parser.parse(toRelayAlert(a, root, externalUrl), prefix));
            } catch (InvalidAlertException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw InvalidAlertException.of(errors);
        }
        return out;
    }

    private ObjectNode toRelayAlert(JsonNode a, JsonNode root, String externalUrl) {
        JsonNode labels = a.path("labels");
        JsonNode annotations = a.path("annotations");
        ObjectNode out = json.createObjectNode();

        String title = firstText(annotations, "summary", "title");
        if (title == null) {
            title = firstText(labels, "alertname");
        }
        // Alertmanager does not retry a refused notification, so over-long optional parts are cut or moved to
        // details rather than refusing the whole group
        out.put("title", title == null ? "Alertmanager alert" : Limits.cut(title, AlertParser.MAX_TITLE));
        String description = firstText(annotations, "description", "message");
        if (description != null) {
            out.put("message", description);
        }
        out.put("severity", severity(text(labels, "severity")));
        String status = text(a, "status");
        out.put("status", status == null ? text(root, "status") : status);
        out.put("reason", "new");
        out.put("source", "alertmanager");
        putCut(out, "type", text(labels, "alertname"), AlertParser.MAX_SHORT);
        putCut(out, "project", text(labels, "project"), AlertParser.MAX_SHORT);
        String fingerprint = text(a, "fingerprint");
        if (fingerprint != null) {
            // cutting could make two fingerprints one; a hash keeps them apart (Alertmanager's own are 16 hex)
            out.put("fingerprint", fingerprint.length() <= AlertParser.MAX_FINGERPRINT ? fingerprint
                    : AlertParser.defaultFingerprint("alertmanager", null, fingerprint));
        }
        String generatorUrl = text(a, "generatorURL");
        boolean linkable = generatorUrl != null && generatorUrl.length() <= AlertParser.MAX_URL
                && AlertParser.isHttpUrl(generatorUrl);
        if (linkable) {
            out.put("url", generatorUrl);
        }
        String startsAt = text(a, "startsAt");
        if (startsAt != null && !ZERO_TIME.equals(startsAt)) {
            out.put("occurredAt", startsAt);
            out.put("firstSeen", startsAt);
        }
        String endsAt = text(a, "endsAt");
        if ("resolved".equals(text(a, "status")) && endsAt != null && !ZERO_TIME.equals(endsAt)) {
            out.put("lastSeen", endsAt);
        }
        ObjectNode details = out.putObject("details");
        if (labels.isObject()) {
            ObjectNode kept = out.putObject("labels");
            labels.fields().forEachRemaining(l -> {
                String name = l.getKey();
                if (kept.size() < AlertParser.MAX_LABELS && !name.isEmpty() && name.length() <= AlertParser.MAX_SHORT
                        && l.getValue().isTextual() && l.getValue().textValue().length() <= AlertParser.MAX_LABEL_VALUE) {
                    kept.set(l.getKey(), l.getValue());
                }
            });
            if (kept.size() < labels.size()) {
                details.set("labels", labels);
            }
        }
        if (generatorUrl != null && !generatorUrl.isEmpty() && !linkable) {
            details.put("generatorURL", generatorUrl);
        }
        if (annotations.isObject()) {
            details.set("annotations", annotations);
        }
        copy(root, "receiver", details, "receiver");
        copy(root, "groupKey", details, "groupKey");
        // Alertmanager's max_alerts cut the group before sending: say so where the operator looks
        if (root.path("truncatedAlerts").asLong(0) > 0) {
            details.set("truncatedAlerts", root.get("truncatedAlerts"));
        }
        if (externalUrl != null) {
            details.put("externalURL", externalUrl);
        }
        return out;
    }

    /** Alertmanager setups name severities freely; unknown names fall back to medium rather than failing. */
    static String severity(String label) {
        if (label == null) {
            return "medium";
        }
        return switch (label.toLowerCase(Locale.ROOT)) {
            case "critical", "page", "fatal", "emergency" -> "critical";
            case "high", "error", "major" -> "high";
            case "warning", "warn", "medium", "minor" -> "medium";
            case "low" -> "low";
            case "info", "informational", "none" -> "info";
            default -> "medium";
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static String firstText(JsonNode n, String... fields) {
        for (String f : fields) {
            String v = text(n, f);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static void putCut(ObjectNode to, String field, String value, int max) {
        if (value != null) {
            to.put(field, Limits.cut(value, max));
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v);
        }
    }

}
