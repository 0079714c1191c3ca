package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * An index on deliveries.alert_id, on PostgreSQL only: the retention purge asks "does this alert have
 * deliveries left?". H2 already indexes every foreign key by itself, and a second index there would
 * only slow down each ingest commit. Not built CONCURRENTLY: that waits for every open transaction,
 * including the one in which Flyway holds its migration lock, and so never finishes. On a large table
 * the build blocks writes to deliveries for its duration (seconds per million rows), once.
 */
public class V30__Postgres_deliveries_alert_index extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        if (!"PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS deliveries_alert_idx ON deliveries (alert_id)");
        }
    }
}
