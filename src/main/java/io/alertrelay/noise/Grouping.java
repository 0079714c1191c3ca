package io.alertrelay.noise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.Severity;
import io.alertrelay.channel.Channel;
import io.alertrelay.store.AlertStore;
import io.alertrelay.store.DeliveryStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/**
 * Alertmanager's grouping for a channel with group-by: alerts with the same values of the group-by labels
 * or fields go out as one notification, a digest (how many, each alert's severity, title and link). The
 * first digest of a group waits group-wait after its first alert, so that the alerts of one event arrive
 * together; the next one waits until group-interval after the previous one was due.
 *
 * <p>Everything lives in the database: the digest is a delivery row that is pending until it is due, the
 * group's alerts are deliveries with status 'grouped' that point at it, and notification_groups names the
 * group. An alert joins the group's digest only while it is not due and no instance has claimed it (a
 * conditional update that the claim's own row lock orders), so a digest lists exactly the alerts its
 * worker reads, and an alert arriving later starts the group's next digest. A restart or a second instance thus
 * sends each group once, as any delivery row.
 */
@Component("grouping")
public class Grouping {

    /** Exchange property: the delivery in flight is a group's digest. */
    public static final String DIGEST = "digest";
    /** Fingerprint of a digest delivery: this prefix and the group key. */
    public static final String PREFIX = "group:";
    private static final TypeReference<LinkedHashMap<String, String>> LABELS = new TypeReference<>() {};

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DeliveryStore store;
    private final NoiseControl noise;

    public Grouping(JdbcTemplate jdbc, ObjectMapper json, DeliveryStore store, NoiseControl noise) {
        this.jdbc = jdbc;
        this.json = json;
        this.store = store;
        this.noise = noise;
    }

    /** Which group of a channel an alert is in: the group-by names with the alert's values, and its key. */
    public record Group(String fingerprint, Map<String, String> labels) {}

    /** A group's digest as its worker sends it: the group's id, its alerts, and the alert the kind renders. */
    public record Digest(String groupId, List<Alert> alerts, Alert alert) {}

    /** True when this alert goes to the channel as part of a group (test alerts always go alone). */
    public static boolean groups(Channel channel, Alert alert) {
        return channel.grouping() != null && !"test".equals(alert.reason());
    }

    /** The group of an alert on a grouped channel; a label or field the alert lacks counts as empty. */
    public Group group(Channel channel, Map<String, String> attributes) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String name : channel.grouping().by()) {
            labels.put(name, attributes.getOrDefault(name, ""));
        }
        return new Group(PREFIX + sha256(write(labels)), labels);
    }

    /**
     * In the ingest transaction, which holds the lock of the group (AlertStore takes it with the alert's
     * own): adds the alert to its group's open digest, or opens the group's next digest. Returns the id of
     * the alert's 'grouped' delivery.
     */
    public long attach(Alert alert, Channel channel, Group group, Timestamp ts, Instant now) {
        if (store.isPostgres()) {
            // already held when AlertStore stored the alert; taken here too for callers that did not
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?, ?)", AlertStore.ADVISORY_NAMESPACE,
                    AlertStore.stripe(channel.id(), group.fingerprint()));
        }
        List<Map<String, Object>> last = jdbc.queryForList("SELECT g.delivery_id, g.due_at, d.status, d.claimed_by, "
                + "d.attempts FROM notification_groups g JOIN deliveries d ON d.id = g.delivery_id "
                + "WHERE g.channel_id = ? AND g.group_key = ? ORDER BY g.delivery_id DESC FETCH FIRST 1 ROWS ONLY",
                channel.id(), group.fingerprint());
        Long digest = null;
        Instant lastDue = null;
        if (!last.isEmpty()) {
            Map<String, Object> row = last.get(0);
            lastDue = instant(row.get("due_at"));
            long id = ((Number) row.get("delivery_id")).longValue();
            // open: not yet due (as in Alertmanager, an alert that arrives after the flush waits for the
            // group's next one), not claimed, never tried. The update locks the row until this commit, so a
            // claim either comes after it (and its worker sees this alert) or before (and this alert opens
            // the next digest); a claim only takes due rows, so the two rarely meet on one row at all
            if ("pending".equals(row.get("status")) && row.get("claimed_by") == null
                    && ((Number) row.get("attempts")).intValue() == 0
                    && jdbc.update("UPDATE deliveries SET updated_at = ? WHERE id = ? AND status NOT IN ('sent', 'dead', "
                    + "'suppressed') AND claimed_by IS NULL AND lease_until > ?", ts, id, ts) == 1) {
                digest = id;
            }
        }
        if (digest == null) {
            // a new group waits group-wait; a group that notified recently waits for group-interval since then
            Instant due = now.plus(channel.grouping().groupWait());
            if (lastDue != null && lastDue.plus(channel.grouping().groupInterval()).isAfter(due)) {
                due = lastDue.plus(channel.grouping().groupInterval());
            }
            digest = openDigest(alert, channel, group, ts, due);
        }
        long groupedInto = digest;
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, "
                    + "attempts, group_delivery_id, created_at, updated_at) VALUES (?, ?, ?, 'grouped', 0, ?, ?, ?)",
                    new String[] {"id"});
            ps.setString(1, alert.id());
            ps.setString(2, channel.id());
            ps.setString(3, alert.fingerprint());
            ps.setLong(4, groupedInto);
            ps.setTimestamp(5, ts);
            ps.setTimestamp(6, ts);
            return ps;
        }, key);
        return key.getKey().longValue();
    }

    /** The group's next digest: pending, not claimable before it is due (the same wait as a held delivery). */
    private long openDigest(Alert first, Channel channel, Group group, Timestamp ts, Instant due) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            // alert_id: the group's first alert, which the row must name; the worker reads the whole group
            PreparedStatement ps = con.prepareStatement("INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, "
                    + "attempts, lease_until, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)",
                    new String[] {"id"});
            ps.setString(1, first.id());
            ps.setString(2, channel.id());
            ps.setString(3, group.fingerprint());
            ps.setTimestamp(4, Timestamp.from(due));
            ps.setTimestamp(5, ts);
            ps.setTimestamp(6, ts);
            return ps;
        }, key);
        long id = key.getKey().longValue();
        jdbc.update("INSERT INTO notification_groups (id, delivery_id, channel_id, group_key, group_labels, due_at, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), id, channel.id(), group.fingerprint(),
                write(group.labels()), Timestamp.from(due), ts);
        return id;
    }

    /**
     * For the worker that claimed a digest: the group's alerts, each checked once more against silences and
     * inhibitions (one made while the group waited stops its alert, as in Alertmanager; such an alert becomes
     * suppressed), and the alert the kind renders: the only alert itself, or a digest of several. Empty
     * when the delivery is no digest (its group row is gone).
     */
    public Optional<Digest> digest(long deliveryId, String fingerprint, Channel channel) {
        List<Map<String, Object>> groups = jdbc.queryForList(
                "SELECT id, group_labels FROM notification_groups WHERE delivery_id = ?", deliveryId);
        if (groups.isEmpty()) {
            return Optional.empty();
        }
        String groupId = (String) groups.get(0).get("id");
        Map<String, String> labels = read((String) groups.get(0).get("group_labels"));
        Instant now = noise.now();
        List<Alert> alerts = new ArrayList<>();
        for (Map<String, Object> m : jdbc.queryForList("SELECT d.id, a.body FROM deliveries d JOIN alerts a ON a.id = "
                + "d.alert_id WHERE d.group_delivery_id = ? AND d.status = 'grouped' ORDER BY d.id", deliveryId)) {
            Alert a = alert((String) m.get("body"));
            NoiseControl.Verdict v = noise.silencedOrInhibited(channel, a, Matcher.attributes(a), now);
            if (v == null) {
                alerts.add(a);
            } else if (jdbc.update("UPDATE deliveries SET status = 'suppressed', suppressed_reason = ?, suppressed_ref = ?, "
                    + "updated_at = ? WHERE id = ? AND status = 'grouped'", v.reason(), v.ref(), Timestamp.from(now),
                    ((Number) m.get("id")).longValue()) == 1) {
                noise.count(channel.id(), v.reason());
            }
        }
        if (alerts.isEmpty()) {
            return Optional.of(new Digest(groupId, alerts, null));
        }
        return Optional.of(new Digest(groupId, alerts, alerts.size() == 1 ? alerts.get(0)
                : combine(groupId, fingerprint, labels, alerts)));
    }

    /**
     * Several alerts as one, for any kind to render with its usual template: the title counts them (as
     * Alertmanager's "[FIRING:3] HostDown db1"), the message lists each alert's severity, title, status and
     * link, the severity is the highest, details.alerts carries them all for webhooks.
     */
    Alert combine(String groupId, String fingerprint, Map<String, String> labels, List<Alert> alerts) {
        Severity highest = alerts.get(0).severityLevel();
        long firing = 0;
        StringBuilder message = new StringBuilder();
        ArrayNode list = json.createArrayNode();
        for (Alert a : alerts) {
            if (a.severityLevel().ordinal() < highest.ordinal()) {
                highest = a.severityLevel();
            }
            if (!"resolved".equals(a.status())) {
                firing++;
            }
            message.append("- **").append(a.severity()).append("** ")
                    .append(a.url() == null ? a.title() : "[" + a.title() + "](" + a.url() + ")")
                    .append(" (").append(a.status()).append(")\n");
            ObjectNode item = list.addObject();
            item.put("id", a.id());
            item.put("title", a.title());
            item.put("severity", a.severity());
            item.put("status", a.status());
            item.put("fingerprint", a.fingerprint());
            if (a.url() != null) {
                item.put("url", a.url());
            }
            if (a.labels() != null) {
                item.set("labels", json.valueToTree(a.labels()));
            }
        }
        String status = firing > 0 ? "firing" : "resolved";
        String values = String.join(" ", labels.values().stream().filter(v -> !v.isEmpty()).toList());
        String title = "[" + status.toUpperCase(Locale.ROOT) + ":" + (firing > 0 ? firing : alerts.size()) + "] "
                + (values.isEmpty() ? alerts.get(0).title() : values);
        String intro = alerts.size() + " alerts" + (labels.isEmpty() ? "" : " in group " + pairs(labels)) + ":\n\n";
        ObjectNode details = json.createObjectNode();
        details.put("group", groupId);
        details.set("groupLabels", json.valueToTree(labels));
        details.put("count", alerts.size());
        details.set("alerts", list);
        Alert first = alerts.get(0);
        Map<String, String> common = new LinkedHashMap<>(labels);
        common.values().removeIf(String::isEmpty);
        return new Alert(groupId, null, title, intro + message, highest.wire(), status, "new", first.type(), fingerprint,
                first.source(), first.project(), null, first.occurredAt(), null, null, (long) alerts.size(), common, details,
                noise.now());
    }

    private static String pairs(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> out.add(k + "=" + (v.isEmpty() ? "\"\"" : v)));
        return String.join(", ", out);
    }

    private Alert alert(String body) {
        try {
            return json.readValue(body, Alert.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored alert", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable group labels", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Object v) {
        if (v instanceof Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return null;
    }
}
