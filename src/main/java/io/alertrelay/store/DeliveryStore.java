package io.alertrelay.store;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import jakarta.annotation.PreDestroy;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivery rows: claiming pending work with a lease, and loading one for a worker. Several relay
 * instances on one PostgreSQL each claim different rows; the claim of an instance that dies expires
 * and another takes over.
 */
@Component
public class DeliveryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStore.class);

    /**
     * Only the oldest pending delivery of a channel and fingerprint is claimable: one fingerprint's
     * deliveries to one channel go out one at a time, in the order they were accepted (a resolve never
     * overtakes its trigger, and a ticketing channel never opens two tickets for one fingerprint),
     * while other fingerprints and channels proceed in parallel.
     */
    private static final String CLAIMABLE = "SELECT d.id FROM deliveries d WHERE d.status = 'pending' AND %s "
            // a scalar subquery, not NOT EXISTS: PostgreSQL, with statistics from when few rows were
            // pending, planned NOT EXISTS as a nested-loop anti-join over all pending rows (114 s for
            // 35,000 of them, which stalled delivery); this form is an index lookup per row (0.2 s)
            + "AND d.id = (SELECT MIN(e.id) FROM deliveries e WHERE e.channel_id = d.channel_id "
            + "AND e.fingerprint = d.fingerprint AND e.status = 'pending') "
            // the index's own order (status and lease are fixed in the unclaimed range, so there it is id
            // order; expired rows go by lease, then id): H2 then reads the index in order and stops after
            // the batch. Ordered by id alone it ran the subquery for every pending row and sorted them
            // all, 9 ms per pass at 20,000 pending against 0.1 ms
            + "%s ORDER BY d.status, d.lease_until, d.id FETCH FIRST %d ROWS ONLY";
    /**
     * "The row is still pending", for statements that change one delivery found by its id. It names the
     * two other statuses instead of saying {@code status = 'pending'}: given that, H2 2.3 plans an UPDATE
     * by id through deliveries_pending_idx while the table is small, scanning every pending row, and
     * the connection keeps that cached plan for its whole life. Under a backlog of thousands of
     * pending rows every claim and every sent mark then read them all. In this form H2 (and PostgreSQL)
     * look the row up by primary key; StatementPlanTest holds both to it. Every final status must be
     * listed here (suppressed: stopped by noise control).
     */
    static final String STILL_PENDING = "status NOT IN ('sent', 'dead', 'suppressed')";
    static final String CLAIM_ROW = "UPDATE deliveries SET claimed_by = ?, lease_until = ?, updated_at = ? "
            + "WHERE id = ? AND " + STILL_PENDING + " AND (lease_until IS NULL OR lease_until < ?)";
    static final String RENEW = "UPDATE deliveries SET lease_until = ? WHERE id = ? AND claimed_by = ? AND " + STILL_PENDING;
    static final String RELEASE = "UPDATE deliveries SET claimed_by = NULL, lease_until = NULL "
            + "WHERE id = ? AND claimed_by = ? AND " + STILL_PENDING;
    static final String DEFER = "UPDATE deliveries SET claimed_by = NULL, lease_until = ?, updated_at = ? "
            + "WHERE id = ? AND claimed_by = ? AND " + STILL_PENDING;
    static final String MARK_SENT = "UPDATE deliveries SET status = 'sent', attempts = attempts + ?, sent_at = ?, "
            + "updated_at = ?, last_error = NULL, last_error_type = NULL, claimed_by = NULL, lease_until = NULL "
            + "WHERE id = ? AND " + STILL_PENDING + " AND claimed_by = ?";

    static final String SUPPRESS = "UPDATE deliveries SET status = 'suppressed', suppressed_reason = ?, suppressed_ref = ?, "
            + "updated_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ? AND " + STILL_PENDING + " AND claimed_by = ?";
    static final String HOLD = "UPDATE deliveries SET claimed_by = NULL, lease_until = ?, suppressed_reason = 'held', "
            + "suppressed_ref = ?, updated_at = ? WHERE id = ? AND claimed_by = ? AND " + STILL_PENDING;

    /** The two claim queries as a pass runs them, without and with a paused channel (for StatementPlanTest). */
    static List<String> claimQueries(int limit) {
        String paused = "AND d.channel_id NOT IN (?)";
        return List.of(CLAIMABLE.formatted(FREE, "", limit), CLAIMABLE.formatted(EXPIRED, "", limit),
                CLAIMABLE.formatted(FREE, paused, limit), CLAIMABLE.formatted(EXPIRED, paused, limit));
    }

    /**
     * Unclaimed rows first, then rows whose lease or wait ran out: two index ranges. One query with
     * {@code lease_until IS NULL OR lease_until < ?} made the database read and sort every pending row
     * (59 ms for 20,000 pending rows against 0.03 ms for the first range alone), and under overload,
     * when every delivery goes through a claim pass, that cost grew with the very backlog it had to drain.
     */
    private static final String FREE = "d.lease_until IS NULL";
    private static final String EXPIRED = "d.lease_until < ?";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final InstanceId instance;
    private final RelayProperties props;
    private final boolean postgres;
    private final GroupCommit<Sent, Boolean> sentLog;

    public DeliveryStore(JdbcTemplate jdbc, TransactionTemplate tx, InstanceId instance, RelayProperties props,
                         ChannelRegistry channels, DataSource dataSource) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.props = props;
        String url = jdbcUrl(dataSource);
        this.postgres = url.startsWith("jdbc:postgresql:");
        this.tx = postgres ? GroupCommit.bounded(tx) : tx;
        this.sentLog = new GroupCommit<>("sent-commit", 10_000, props.getDelivery().getWorkers(), 10_000, this::markSentTogether,
                sent -> markSentTogether(List.of(sent)).get(0));
        for (Channel c : channels.all()) {
            ensureStatusRow(c.id());
        }
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER=TRUE")) {
            // an embedded H2 database belongs to one process, so any claim in it is from a dead predecessor
            int released = jdbc.update("UPDATE deliveries SET claimed_by = NULL, lease_until = NULL "
                    + "WHERE status = 'pending' AND claimed_by IS NOT NULL");
            if (released > 0) {
                LOG.info("Resuming {} pending deliveries left by an earlier run", released);
            }
        }
    }

    private static String jdbcUrl(DataSource ds) {
        // the configured URL: H2 drops settings such as AUTO_SERVER from the URL its connections report
        if (ds instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            return hikari.getJdbcUrl();
        }
        try (Connection c = ds.getConnection()) {
            String url = c.getMetaData().getURL();
            return url == null ? "" : url;
        } catch (Exception e) {
            return "";
        }
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Whether another delivery of this channel and fingerprint waits behind the given one. */
    public boolean hasSuccessor(long id, String channelId, String fingerprint) {
        return hasPending(channelId, fingerprint, id);
    }

    /**
     * Whether a delivery of this channel and fingerprint is pending (other than {@code exceptId}, or any
     * when it is -1): a new one then waits behind it.
     */
    public boolean hasPending(String channelId, String fingerprint, long exceptId) {
        return !jdbc.queryForList("SELECT id FROM deliveries WHERE channel_id = ? AND fingerprint = ? AND status = 'pending' "
                + "AND id <> ? FETCH FIRST 1 ROWS ONLY", Long.class, channelId, fingerprint, exceptId).isEmpty();
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

    /** Claims up to {@code limit} claimable deliveries for this instance, leaving paused channels alone. */
    public List<Long> claim(int limit, Set<String> pausedChannels) {
        if (limit <= 0) {
            return List.of();
        }
        String paused = pausedChannels.isEmpty() ? ""
                : "AND d.channel_id NOT IN (" + String.join(", ", Collections.nCopies(pausedChannels.size(), "?")) + ")";
        Instant now = Instant.now();
        Timestamp nowTs = Timestamp.from(now);
        Timestamp lease = Timestamp.from(now.plusSeconds(props.getDelivery().getLeaseSeconds()));
        List<Object> expiredArgs = new ArrayList<>();
        expiredArgs.add(nowTs);
        expiredArgs.addAll(pausedChannels);
        String lock = postgres ? " FOR UPDATE OF d SKIP LOCKED" : "";
        Supplier<List<Long>> candidates = () -> {
            List<Long> ids = new ArrayList<>(jdbc.queryForList(CLAIMABLE.formatted(FREE, paused, limit) + lock, Long.class,
                    pausedChannels.toArray()));
            if (ids.size() < limit) {
                ids.addAll(jdbc.queryForList(CLAIMABLE.formatted(EXPIRED, paused, limit - ids.size()) + lock, Long.class,
                        expiredArgs.toArray()));
            }
            return ids;
        };
        if (postgres) {
            // rows another instance is claiming right now are skipped, not waited for
            return tx.execute(status -> {
                List<Long> ids = candidates.get();
                for (Long id : ids) {
                    jdbc.update("UPDATE deliveries SET claimed_by = ?, lease_until = ?, updated_at = ? WHERE id = ?",
                            instance.id(), lease, nowTs, id);
                }
                return ids;
            });
        }
        // H2 has no SKIP LOCKED; a conditional update per row makes sure only one claimer wins each row.
        // One transaction for the batch: with WRITE_DELAY=0 every commit writes to the file, and a
        // commit per row made claiming, not sending, the limit of the delivery rate.
        return tx.execute(status -> {
            List<Long> ids = candidates.get();
            List<Long> claimed = new ArrayList<>(ids.size());
            for (Long id : ids) {
                int n = jdbc.update(CLAIM_ROW, instance.id(), lease, nowTs, id, nowTs);
                if (n == 1) {
                    claimed.add(id);
                }
            }
            return claimed;
        });
    }

    /**
     * Extends this instance's lease when a worker starts a delivery and at every retry, so that neither
     * a wait in the queue nor a long retry sequence lets another instance take it over. Fails when
     * another instance already has.
     */
    public boolean renew(long id) {
        Timestamp lease = Timestamp.from(Instant.now().plusSeconds(props.getDelivery().getLeaseSeconds()));
        return jdbc.update(RENEW, lease, id, instance.id()) == 1;
    }

    /** Gives a claim back so that the next poll picks the delivery up (used when the queue is full). */
    public void release(long id) {
        jdbc.update(RELEASE, id, instance.id());
    }

    /**
     * Puts a delivery back as pending, not claimable before {@code notBefore}: how a rate-limited or
     * circuit-broken channel makes its deliveries wait without holding a worker or dropping them.
     */
    public void defer(long id, Instant notBefore) {
        jdbc.update(DEFER, Timestamp.from(notBefore), Timestamp.from(Instant.now()), id, instance.id());
    }

    /**
     * Noise control stopped the delivery: it becomes suppressed (final) with why and by what (silence id,
     * inhibiting alert id, interval name). False when the row was no longer this instance's to change.
     */
    public boolean suppress(long id, String reason, String ref, String claimedBy) {
        return jdbc.update(SUPPRESS, reason, ref, Timestamp.from(Instant.now()), id, claimedBy) == 1;
    }

    /** A muted channel holds the delivery: pending, not claimed again before {@code until}. */
    public void hold(long id, Instant until, String interval, String claimedBy) {
        jdbc.update(HOLD, Timestamp.from(until), interval, Timestamp.from(Instant.now()), id, claimedBy);
    }

    public String suppressedReason(long id) {
        List<String> r = jdbc.queryForList("SELECT suppressed_reason FROM deliveries WHERE id = ?", String.class, id);
        return r.isEmpty() ? null : r.get(0);
    }

    /** A successful send, to be recorded: the delivery becomes sent and its channel counts a success. */
    public record Sent(long id, String channelId, int attempts, long responseMs, String claimedBy, Instant at) {}

    /**
     * Records a successful send and returns once it is committed. Sends that finish together are recorded
     * in one transaction (see {@link GroupCommit}).
     */
    public void markSent(Sent sent) {
        sentLog.write(sent);
    }

    /** Both or neither in one transaction; a channel's counters are updated once per batch. */
    private List<Boolean> markSentTogether(List<Sent> batch) {
        return tx.execute(status -> {
            int[] rows = jdbc.batchUpdate(MARK_SENT,
                    batch.stream().map(s -> new Object[] {s.attempts(), Timestamp.from(s.at()), Timestamp.from(s.at()), s.id(),
                            s.claimedBy()}).toList());
            // sorted: every instance updates channel rows in one order, so two batches never deadlock
            Map<String, List<Sent>> byChannel = new TreeMap<>();
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] != 0) { // a row no longer ours (lease lost) is not counted as this instance's success
                    byChannel.computeIfAbsent(batch.get(i).channelId(), k -> new ArrayList<>()).add(batch.get(i));
                }
            }
            byChannel.forEach((channelId, sent) -> {
                Timestamp last = Timestamp.from(sent.stream().map(Sent::at).max(Instant::compareTo).orElseThrow());
                jdbc.update("UPDATE channel_status SET sent_count = sent_count + ?, "
                        + "response_time_total_ms = response_time_total_ms + ?, response_time_count = response_time_count + ?, "
                        + "last_success_timestamp = ? WHERE channel_id = ?",
                        sent.size(), sent.stream().mapToLong(Sent::responseMs).sum(), sent.size(), last, channelId);
                // a success clears the failure fields, but not those of a failure recorded after it
                jdbc.update("UPDATE channel_status SET last_failure_timestamp = NULL, last_failure_error_type = NULL, "
                        + "last_failure_error_message = NULL, last_failure_status_code = NULL, last_failure_response_text = NULL, "
                        + "last_failure_is_json = NULL WHERE channel_id = ? AND last_failure_timestamp <= ?", channelId, last);
            });
            List<Boolean> out = new ArrayList<>(rows.length);
            for (int n : rows) {
                out.add(n != 0);
            }
            return out;
        });
    }

    @PreDestroy
    void stop() {
        sentLog.stop();
    }

    /**
     * The given deliveries that are still pending and claimed by this instance, in one read, for a claim
     * pass to hand to the workers. Alerts over the carry limit are left out: the queue holds queue-size
     * deliveries, and that must not mean queue-size megabyte-sized alerts.
     */
    public Map<Long, StoredDelivery> loadClaimed(List<Long> ids) {
        Map<Long, StoredDelivery> rows = new HashMap<>();
        for (StoredDelivery d : selectClaimed(ids, AlertStore.CARRY_MAX_CHARS)) {
            rows.put(d.id(), d);
        }
        return rows;
    }

    /** The delivery, if it is still pending and claimed by this instance. */
    public Optional<StoredDelivery> loadClaimed(long id) {
        return selectClaimed(List.of(id), Integer.MAX_VALUE).stream().findFirst();
    }

    /** The given deliveries still pending and claimed by this instance, whose alerts are at most maxChars long. */
    private List<StoredDelivery> selectClaimed(List<Long> ids, int maxChars) {
        List<Object> args = new ArrayList<>(ids);
        args.add(instance.id());
        String sizeLimit = maxChars == Integer.MAX_VALUE ? "" : " AND CHAR_LENGTH(a.body) <= ?";
        if (!sizeLimit.isEmpty()) {
            args.add(maxChars);
        }
        return jdbc.query("SELECT d.id, d.channel_id, d.status, d.attempts, a.body, d.created_at, d.fingerprint FROM deliveries d "
                        + "JOIN alerts a ON a.id = d.alert_id WHERE d.id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?"))
                        + ") AND d." + STILL_PENDING + " AND d.claimed_by = ?" + sizeLimit,
                (rs, i) -> new StoredDelivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant(), rs.getString(7)),
                args.toArray());
    }
}
