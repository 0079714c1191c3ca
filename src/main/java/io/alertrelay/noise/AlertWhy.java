package io.alertrelay.noise;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * GET /alerts/{id}: "why was I (not) notified?" For every configured channel, and every channel the
 * alert has a delivery to: whether the channel's match took the alert (and which condition did not),
 * and what became of the delivery: sent when, dead and why, waiting, held by a mute interval, or
 * suppressed by which silence, inhibiting alert, time interval or repeat-interval.
 */
@Component("alertWhy")
public class AlertWhy {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final ChannelRegistry channels;
    private final Silences silences;

    public AlertWhy(JdbcTemplate jdbc, ObjectMapper json, ChannelRegistry channels, Silences silences) {
        this.jdbc = jdbc;
        this.json = json;
        this.channels = channels;
        this.silences = silences;
    }

    private record Row(long id, String channelId, String status, int attempts, String lastError, String reason,
                       String ref, Instant createdAt, Instant updatedAt, Instant sentAt, Instant leaseUntil,
                       String claimedBy) {}

    /**
     * The route step for every request below /alerts that no ingest route takes: GET /alerts/{id} is the
     * answer; GET on an ingest path is 405 and anything else 404, in the API's JSON error shape.
     */
    public void answer(Exchange exchange) throws IOException {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "", String.class);
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
        int at = uri.toLowerCase(java.util.Locale.ROOT).indexOf("/alerts");
        String id = at < 0 ? "" : uri.substring(at + "/alerts".length());
        id = id.replaceAll("^/+|/+$", "");
        exchange.getMessage().removeHeaders("*");
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (read && (id.isEmpty() || id.equalsIgnoreCase("alertmanager"))) {
            exchange.getMessage().setHeader("Allow", "POST");
            error(exchange, 405, "method_not_allowed", method + " is not supported here; alerts are POSTed");
            return;
        }
        Optional<ObjectNode> why = !read || id.contains("/") ? Optional.empty() : explain(id);
        if (why.isEmpty()) {
            error(exchange, 404, "not_found", read ? "no alert with id '" + id + "'" : "no such resource");
            return;
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setBody(json.writeValueAsString(why.get()));
    }

    private void error(Exchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = json.createObjectNode().put("error", code).put("message", message);
        body.putArray("errors");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setBody(json.writeValueAsString(body));
    }

    public Optional<ObjectNode> explain(String alertId) throws IOException {
        List<String> bodies = jdbc.queryForList("SELECT body FROM alerts WHERE id = ?", String.class, alertId);
        if (bodies.isEmpty()) {
            return Optional.empty();
        }
        Alert alert = json.readValue(bodies.get(0), Alert.class);
        Map<String, Row> byChannel = new LinkedHashMap<>();
        jdbc.query("SELECT * FROM deliveries WHERE alert_id = ? ORDER BY id", rs -> {
            Row r = row(rs);
            byChannel.put(r.channelId(), r);
        }, alertId);

        ObjectNode out = json.createObjectNode();
        out.put("id", alert.id());
        out.put("title", alert.title());
        out.put("fingerprint", alert.fingerprint());
        out.put("severity", alert.severity());
        out.put("status", alert.status());
        out.put("reason", alert.reason());
        out.put("receivedAt", alert.receivedAt() == null ? null : alert.receivedAt().toString());
        ArrayNode list = out.putArray("channels");
        for (Channel c : channels.all()) {
            ObjectNode ch = list.addObject();
            ch.put("channel", c.id());
            ch.put("kind", c.kind());
            Row d = byChannel.remove(c.id());
            if (d != null) {
                ch.put("matched", true);
                delivery(ch, d);
                continue;
            }
            String mismatch = c.mismatch(alert);
            ch.put("matched", false);
            if (!c.enabled()) {
                ch.put("outcome", "not_matched").put("why", "the channel is disabled");
            } else if (mismatch != null) {
                ch.put("outcome", "not_matched").put("failedCondition", mismatch)
                        .put("why", "not matched: " + mismatch);
            } else {
                ch.put("outcome", "not_matched").put("why", "matches now, but had no delivery: the channel was added "
                        + "or its match rule changed after the alert arrived");
            }
        }
        // deliveries to channels no longer configured
        for (Row d : byChannel.values()) {
            ObjectNode ch = list.addObject();
            ch.put("channel", d.channelId());
            ch.put("matched", true);
            ch.put("configured", false);
            delivery(ch, d);
        }
        return Optional.of(out);
    }

    private void delivery(ObjectNode ch, Row d) {
        ObjectNode del = ch.putObject("delivery");
        del.put("id", d.id());
        del.put("status", d.status());
        del.put("attempts", d.attempts());
        del.put("createdAt", d.createdAt().toString());
        del.put("updatedAt", d.updatedAt().toString());
        if (d.sentAt() != null) {
            del.put("sentAt", d.sentAt().toString());
        }
        if (d.lastError() != null) {
            del.put("lastError", d.lastError());
        }
        if (d.reason() != null) {
            del.put("suppressedReason", d.reason());
            del.put("suppressedBy", d.ref());
        }
        String outcome;
        String why;
        switch (d.status()) {
            case "sent" -> {
                outcome = "delivered";
                why = "delivered at " + d.sentAt() + " after " + d.attempts() + " attempt(s)"
                        + ("held".equals(d.reason()) ? ", held first by time interval " + d.ref() : "");
            }
            case "dead" -> {
                outcome = "dead";
                why = "dead after " + d.attempts() + " attempt(s): " + d.lastError();
            }
            case "suppressed" -> {
                outcome = d.reason();
                why = suppressed(d, ch);
            }
            default -> {
                boolean waiting = d.leaseUntil() != null && d.claimedBy() == null && d.leaseUntil().isAfter(Instant.now());
                if ("held".equals(d.reason()) && waiting) {
                    outcome = "held";
                    why = "held: the channel is muted by time interval " + d.ref() + "; it goes out at " + d.leaseUntil()
                            + " unless the alert resolves first";
                } else if (waiting) {
                    outcome = "waiting";
                    why = "waiting until " + d.leaseUntil() + " (the channel's rate limit or open circuit breaker)";
                } else {
                    outcome = "pending";
                    why = "pending after " + d.attempts() + " attempt(s)" + (d.lastError() == null ? "" : "; last error: "
                            + d.lastError());
                }
            }
        }
        ch.put("outcome", outcome);
        ch.put("why", why);
    }

    private String suppressed(Row d, ObjectNode ch) {
        String ref = d.ref();
        return switch (d.reason() == null ? "" : d.reason()) {
            case "silenced" -> {
                Optional<Silence> s = silences.find(ref);
                ch.put("silence", ref);
                yield "silenced by silence " + ref + s.map(x -> " " + Matcher.format(x.matchers()) + " created by "
                        + x.createdBy() + " (\"" + x.comment() + "\"), until " + x.endsAt()).orElse("");
            }
            case "inhibited" -> {
                ch.put("inhibitedBy", ref);
                List<String> title = jdbc.queryForList("SELECT title FROM alerts WHERE id = ?", String.class, ref);
                yield "inhibited by firing alert " + ref + (title.isEmpty() ? "" : " (\"" + title.get(0) + "\")");
            }
            case "muted" -> {
                ch.put("mutedBy", ref);
                yield ref.startsWith("outside ") ? "muted: " + ref.replaceFirst("outside ", "outside the active time interval(s) ")
                        : "muted by time interval " + ref;
            }
            case "repeat_interval" -> {
                ch.put("throttledBy", ref);
                yield "throttled by repeat-interval: delivery " + ref + " already notified this status of the fingerprint";
            }
            case "resolved_while_held" -> "held by a mute interval and resolved meanwhile (alert " + ref + ")";
            default -> "suppressed (" + d.reason() + " " + ref + ")";
        };
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("channel_id"), rs.getString("status"), rs.getInt("attempts"),
                rs.getString("last_error"), rs.getString("suppressed_reason"), rs.getString("suppressed_ref"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "sent_at"), instant(rs, "lease_until"),
                rs.getString("claimed_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
