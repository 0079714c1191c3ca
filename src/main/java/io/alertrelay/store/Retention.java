package io.alertrelay.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes history older than {@code alert-relay.retention.days}: finished deliveries (sent or dead)
 * first, then alerts that have no delivery left. A pending delivery and its alert stay, however old.
 *
 * <p>Both tables are walked in key order (delivery ids come from a sequence, alert ids are time-ordered
 * UUIDs) a window at a time, each window in its own short transaction: a purge needs no index beyond the
 * keys, holds no long locks, and stops at the first row younger than the cutoff. The alerts of purged
 * deliveries are also tried by id, so alerts with ids from before ids were time-ordered go too. Every
 * delete repeats its conditions, so a delivery replayed meanwhile, or an alert that gained a delivery,
 * is kept.
 */
@Component("retention")
public class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final int days;
    private final int window;

    @Autowired
    public Retention(JdbcTemplate jdbc, TransactionTemplate tx, @Value("${alert-relay.retention.days:30}") int days) {
        this(jdbc, tx, days, 500);
    }

    Retention(JdbcTemplate jdbc, TransactionTemplate tx, int days, int window) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.days = days;
        this.window = window;
    }

    /** What one purge deleted. */
    public record Purged(int deliveries, int alerts) {}

    /** The scheduled purge; nothing when retention is 0 (keep everything). */
    public Purged purge() {
        if (days <= 0) {
            return new Purged(0, 0);
        }
        Purged p = purgeBefore(Instant.now().minus(Duration.ofDays(days)));
        if (p.deliveries() > 0 || p.alerts() > 0) {
            LOG.info("Retention: deleted {} finished deliveries and {} alerts older than {} days",
                    p.deliveries(), p.alerts(), days);
        }
        return p;
    }

    public Purged purgeBefore(Instant cutoff) {
        Timestamp before = Timestamp.from(cutoff);
        int[] alertsOfPurged = {0};
        int deliveries = purgeDeliveries(before, alertsOfPurged);
        // a group's digest row is gone: so is what named its group (one row per digest, far fewer than deliveries)
        tx.execute(s -> jdbc.update("DELETE FROM notification_groups WHERE due_at < ? AND NOT EXISTS "
                + "(SELECT 1 FROM deliveries d WHERE d.id = notification_groups.delivery_id)", before));
        // then the walk, which also finds alerts that never had a delivery
        return new Purged(deliveries, alertsOfPurged[0] + purgeAlerts(before));
    }

    /** "Finished" as "not pending", so H2 finds the row by primary key (see DeliveryStore.STILL_PENDING). */
    static final String DELETE_FINISHED = "DELETE FROM deliveries WHERE id = ? AND status <> 'pending' AND updated_at < ?";

    private record DeliveryRow(long id, String alertId, boolean finished, Timestamp createdAt, Timestamp updatedAt) {}

    /** Also deletes, window by window, the alerts left without deliveries (by id, whatever its order). */
    private int purgeDeliveries(Timestamp before, int[] alertsDeleted) {
        int deleted = 0;
        long from = Long.MIN_VALUE;
        while (true) {
            List<DeliveryRow> rows = jdbc.query("SELECT id, alert_id, status, created_at, updated_at FROM deliveries "
                            + "WHERE id >= ? ORDER BY id FETCH FIRST " + window + " ROWS ONLY",
                    (rs, i) -> new DeliveryRow(rs.getLong(1), rs.getString(2), !"pending".equals(rs.getString(3)),
                            rs.getTimestamp(4), rs.getTimestamp(5)),
                    from);
            List<Object[]> old = new ArrayList<>();
            Set<String> alertIds = new LinkedHashSet<>();
            boolean reachedYounger = false;
            for (DeliveryRow r : rows) {
                reachedYounger |= !r.createdAt().before(before);
                if (r.finished() && r.updatedAt().before(before)) {
                    old.add(new Object[] {r.id(), before});
                    alertIds.add(r.alertId());
                }
            }
            if (!old.isEmpty()) {
                deleted += sum(tx.execute(s -> jdbc.batchUpdate(DELETE_FINISHED, old)));
                alertsDeleted[0] += deleteAlerts(new ArrayList<>(alertIds), before);
            }
            if (reachedYounger || rows.size() < window) {
                return deleted;
            }
            from = rows.get(rows.size() - 1).id() + 1;
        }
    }

    private record AlertRow(String id, Timestamp receivedAt) {}

    private int purgeAlerts(Timestamp before) {
        int deleted = 0;
        String after = "";
        while (true) {
            List<AlertRow> rows = jdbc.query("SELECT id, received_at FROM alerts WHERE id > ? ORDER BY id FETCH FIRST "
                            + window + " ROWS ONLY",
                    (rs, i) -> new AlertRow(rs.getString(1), rs.getTimestamp(2)), after);
            List<String> old = new ArrayList<>();
            boolean reachedYounger = false;
            for (AlertRow r : rows) {
                if (r.receivedAt().before(before)) {
                    old.add(r.id());
                } else {
                    reachedYounger = true;
                }
            }
            deleted += deleteAlerts(old, before);
            if (reachedYounger || rows.size() < window) {
                return deleted;
            }
            after = rows.get(rows.size() - 1).id();
        }
    }

    /** Deletes those of the alerts that are old and have no delivery left, in one transaction. */
    private int deleteAlerts(List<String> ids, Timestamp before) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<Object[]> args = ids.stream().map(id -> new Object[] {id, before}).toList();
        return sum(tx.execute(s -> jdbc.batchUpdate("DELETE FROM alerts WHERE id = ? AND received_at < ? "
                + "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = alerts.id)", args)));
    }

    private static int sum(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += Math.max(c, 0);
        }
        return n;
    }
}
