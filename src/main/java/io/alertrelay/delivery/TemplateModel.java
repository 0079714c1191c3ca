package io.alertrelay.delivery;

import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a message template can use: the alert's fields plus a few ready-made conveniences. */
public final class TemplateModel {

    private TemplateModel() {}

    public static Map<String, Object> of(Alert a, Channel channel) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", a.id());
        m.put("title", a.title());
        m.put("message", a.message());
        m.put("severity", a.severity());
        m.put("severityUpper", a.severity() == null ? "" : a.severity().toUpperCase(Locale.ROOT));
        m.put("status", a.status());
        m.put("statusUpper", a.status() == null ? "" : a.status().toUpperCase(Locale.ROOT));
        m.put("resolved", "resolved".equals(a.status()));
        m.put("reason", a.reason());
        m.put("type", a.type());
        m.put("fingerprint", a.fingerprint());
        m.put("source", a.source());
        m.put("project", a.project());
        m.put("url", a.url());
        m.put("occurredAt", a.occurredAt() == null ? null : a.occurredAt().toString());
        m.put("firstSeen", a.firstSeen() == null ? null : a.firstSeen().toString());
        m.put("lastSeen", a.lastSeen() == null ? null : a.lastSeen().toString());
        m.put("eventCount", a.eventCount());
        List<Map<String, String>> labels = new ArrayList<>();
        if (a.labels() != null) {
            a.labels().forEach((k, v) -> labels.add(Map.of("key", k, "value", v)));
        }
        m.put("labels", labels);
        m.put("label", a.labels() == null ? Map.of() : a.labels());
        m.put("channel", channel.id());
        return m;
    }
}
