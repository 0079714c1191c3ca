package io.alertrelay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The statements that change one delivery by id must find it through the primary key on H2, from the
 * first moment: H2 caches a statement's plan for the connection's life, and a plan made while the table
 * was empty that scans deliveries_pending_idx instead costs a read of every pending row per update (what
 * made draining a backlog slow down as the backlog grew).
 */
class StatementPlanTest {

    static final List<String> BY_ID = List.of(DeliveryStore.CLAIM_ROW, DeliveryStore.RENEW, DeliveryStore.RELEASE,
            DeliveryStore.DEFER, DeliveryStore.MARK_SENT, DeliveryStore.SUPPRESS, DeliveryStore.HOLD, DeliveryHistory.REPLAY, Retention.DELETE_FINISHED);

    @Test
    void eachLooksTheRowUpByPrimaryKeyOnAnEmptyAndOnAFilledTable() throws SQLException {
        try (Connection c = migratedH2()) {
            for (String sql : BY_ID) {
                assertThat(plan(c, sql)).as(sql).contains("PRIMARY_KEY");
            }
            fill(c, 3_000);
            for (String sql : BY_ID) {
                assertThat(plan(c, sql)).as(sql).contains("PRIMARY_KEY");
            }
        }
    }

    /** A claim pass reads the pending index in order and stops after its batch, however long the backlog. */
    @Test
    void theClaimQueriesReadThePendingIndexInOrder() throws SQLException {
        try (Connection c = migratedH2()) {
            fill(c, 3_000);
            for (String sql : DeliveryStore.claimQueries(200)) {
                assertThat(plan(c, sql)).as(sql).contains("DELIVERIES_PENDING_IDX").contains("index sorted");
            }
        }
    }

    /** Why the statements are written as they are; if H2 stops doing this, the workaround can go. */
    @Test
    void h2PlansTheObviousFormThroughThePendingIndex() throws SQLException {
        try (Connection c = migratedH2()) {
            assertThat(plan(c, "UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = 'pending'"))
                    .contains("DELIVERIES_PENDING_IDX");
        }
    }

    private static Connection migratedH2() throws SQLException {
        String url = "jdbc:h2:mem:plans-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").load().migrate();
        return DriverManager.getConnection(url, "sa", "");
    }

    private static String plan(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("EXPLAIN " + sql); ResultSet r = p.executeQuery()) {
            r.next();
            return r.getString(1);
        }
    }

    private static void fill(Connection c, int n) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO alerts (id, fingerprint, title, severity, status, body, received_at) "
                    + "VALUES ('plan-alert', 'f', 't', 'info', 'firing', '{}', CURRENT_TIMESTAMP)");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, "
                + "created_at, updated_at) VALUES ('plan-alert', 'c', ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            for (int i = 0; i < n; i++) {
                p.setString(1, "f" + i);
                p.setString(2, i % 4 == 0 ? "pending" : i % 4 == 1 ? "sent" : i % 4 == 2 ? "dead" : "suppressed");
                p.addBatch();
            }
            p.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }
}
