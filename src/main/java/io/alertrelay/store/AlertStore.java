package io.alertrelay.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores accepted alerts with one pending delivery per matching channel, in one transaction, so the
 * 202 that follows the commit is a promise the relay can keep after any crash.
 */
@Component
public class AlertStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final ChannelRegistry channels;

    public AlertStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, ChannelRegistry channels) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.channels = channels;
    }

    /** What was stored for one alert: its id and its pending deliveries. */
    public record Accepted(String alertId, boolean duplicate, List<Long> deliveryIds) {}

    public List<Accepted> store(List<Alert> alerts) {
        try {
            return storeAll(alerts);
        } catch (DuplicateKeyException raced) {
            // a concurrent request with the same client id committed first; PostgreSQL has aborted this
            // transaction, so run it again: the duplicate is now found by its client id and reported
            return storeAll(alerts);
        }
    }

    private List<Accepted> storeAll(List<Alert> alerts) {
        return tx.execute(status -> {
            List<Accepted> out = new ArrayList<>(alerts.size());
            for (Alert a : alerts) {
                out.add(storeOne(a, channels.matching(a)));
            }
            return out;
        });
    }

    /**
     * Stores an alert with one delivery to the given channel only, whatever its match rule says: how a
     * test alert reaches exactly the channel under test.
     */
    public Accepted storeFor(Alert alert, Channel channel) {
        return tx.execute(status -> storeOne(alert, List.of(channel)));
    }

    private Accepted storeOne(Alert incoming, List<Channel> targets) {
        if (incoming.clientId() != null) {
            List<String> existing = jdbc.queryForList("SELECT id FROM alerts WHERE client_id = ?", String.class,
                    incoming.clientId());
            if (!existing.isEmpty()) {
                return new Accepted(existing.get(0), true, List.of());
            }
        }
        Instant now = Instant.now();
        Alert alert = incoming.withId(UUID.randomUUID().toString(), now);
        String body;
        try {
            body = json.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise alert", e);
        }
        Timestamp ts = Timestamp.from(now);
        jdbc.update("INSERT INTO alerts (id, client_id, fingerprint, title, severity, status, source, body, received_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                alert.id(), alert.clientId(), alert.fingerprint(), alert.title(), alert.severity(), alert.status(),
                alert.source(), body, ts);
        List<Long> ids = new ArrayList<>();
        for (Channel c : targets) {
            GeneratedKeyHolder key = new GeneratedKeyHolder();
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement(
                        "INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, attempts, created_at, updated_at) "
                                + "VALUES (?, ?, ?, 'pending', 0, ?, ?)", new String[] {"id"});
                ps.setString(1, alert.id());
                ps.setString(2, c.id());
                ps.setString(3, alert.fingerprint());
                ps.setTimestamp(4, ts);
                ps.setTimestamp(5, ts);
                return ps;
            }, key);
            ids.add(key.getKey().longValue());
        }
        return new Accepted(alert.id(), false, ids);
    }

}
