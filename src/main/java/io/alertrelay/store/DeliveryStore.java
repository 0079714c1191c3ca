package io.alertrelay.store;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Delivery rows: claiming pending work, and loading one for a worker. */
@Component
public class DeliveryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);

    private final JdbcTemplate jdbc;
    private final InstanceId instance;
    private final RelayProperties props;

    public DeliveryStore(JdbcTemplate jdbc, InstanceId instance, RelayProperties props, ChannelRegistry channels,
                         DataSource dataSource) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.props = props;
        for (Channel c : channels.all()) {
            ensureStatusRow(c.id());
        }
        if (isEmbeddedH2(dataSource)) {
            // an H2 file can be opened by one process only, so any claim in it is from a dead predecessor
            int released = jdbc.update("UPDATE deliveries SET claimed_by = NULL, lease_until = NULL WHERE status = 'pending'");
            if (released > 0) {
                LOG.info("Resuming {} pending deliveries left by an earlier run", released);
            }
        }
    }

    private static boolean isEmbeddedH2(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            String url = c.getMetaData().getURL();
            return url != null && url.startsWith("jdbc:h2:") && !url.contains("AUTO_SERVER=TRUE") && !url.startsWith("jdbc:h2:tcp:");
        } catch (Exception e) {
            return false;
        }
    }

    public void ensureStatusRow(String channelId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM channel_status WHERE channel_id = ?", Integer.class, channelId);
        if (n == null || n == 0) {
            try {
                jdbc.update("INSERT INTO channel_status (channel_id, sent_count, failed_count) VALUES (?, 0, 0)", channelId);
            } catch (org.springframework.dao.DuplicateKeyException ignored) {
                // another instance created it first
            }
        }
    }

    /**
     * Claims up to {@code limit} pending deliveries whose lease is free or expired. Each row is taken
     * with a conditional update, so two instances never both win the same row. Only the oldest pending
     * delivery of a channel and fingerprint is claimable: one fingerprint's deliveries to one channel go
     * out one at a time, in the order they were accepted (a resolve never overtakes its trigger, and a
     * ticketing channel never opens two tickets for one fingerprint), while other fingerprints and
     * channels proceed in parallel.
     */
    public List<Long> claim(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Instant now = Instant.now();
        Timestamp nowTs = Timestamp.from(now);
        List<Long> candidates = jdbc.queryForList(
                "SELECT d.id FROM deliveries d WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < ?) "
                        + "AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.channel_id = d.channel_id "
                        + "AND e.fingerprint = d.fingerprint AND e.status = 'pending' AND e.id < d.id) "
                        + "ORDER BY d.id FETCH FIRST " + limit + " ROWS ONLY", Long.class, nowTs);
        Timestamp lease = Timestamp.from(now.plusSeconds(props.getDelivery().getLeaseSeconds()));
        List<Long> claimed = new ArrayList<>(candidates.size());
        for (Long id : candidates) {
            int n = jdbc.update("UPDATE deliveries SET claimed_by = ?, lease_until = ?, updated_at = ? "
                    + "WHERE id = ? AND status = 'pending' AND (lease_until IS NULL OR lease_until < ?)",
                    instance.id(), lease, nowTs, id, nowTs);
            if (n == 1) {
                claimed.add(id);
            }
        }
        return claimed;
    }

    /** Gives a claim back so that the next poll picks the delivery up (used when the queue is full). */
    public void release(long id) {
        jdbc.update("UPDATE deliveries SET claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'pending'",
                id, instance.id());
    }

    /** The delivery, if it is still pending and claimed by this instance. */
    public Optional<StoredDelivery> loadClaimed(long id) {
        List<StoredDelivery> rows = jdbc.query(
                "SELECT d.id, d.channel_id, d.status, d.attempts, a.body FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
                        + "WHERE d.id = ? AND d.status = 'pending' AND d.claimed_by = ?",
                (rs, i) -> new StoredDelivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)),
                id, instance.id());
        return rows.stream().findFirst();
    }
}
