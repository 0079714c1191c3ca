package io.alertrelay.kinds.slack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import java.util.Locale;

/** What Slack and its look-alike Mattermost share: the sender icon and the severity colour. */
public final class SlackCompat {

    private SlackCompat() {}

    /** "icon" is an emoji name (":rotating_light:" or "rotating_light") or an image URL. */
    public static void icon(ObjectNode payload, String icon) {
        if (icon == null || icon.isBlank()) {
            return;
        }
        String i = icon.strip();
        String lower = i.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            payload.put("icon_url", i);
        } else {
            payload.put("icon_emoji", i.startsWith(":") ? i : ":" + i + ":");
        }
    }

    /** Resolved alerts are green whatever their severity; otherwise red to grey by severity. */
    public static String color(Alert alert) {
        if ("resolved".equals(alert.status())) {
            return "#2E7D32";
        }
        return switch (alert.severityLevel()) {
            case CRITICAL -> "#B71C1C";
            case HIGH -> "#E65100";
            case MEDIUM -> "#F9A825";
            case LOW -> "#1565C0";
            case INFO -> "#9E9E9E";
        };
    }
}
