package io.alertrelay.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * Tells the connection pool to drop a connection whose H2 database has been closed under it (H2 closes
 * an embedded database after a fatal error such as an OutOfMemoryError, or on SHUTDOWN). H2 reports it
 * with its own codes rather than a connection-class SQLState, so Hikari would keep lending the dead
 * connection and every ingest would fail for good; a new connection reopens the database.
 * Set as spring.datasource.hikari.exception-override-class-name.
 */
public class EvictClosedDatabase implements SQLExceptionOverride {

    /** H2's DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN, CONNECTION_BROKEN_1. */
    private static final int[] CLOSED = {90098, 90121, 90067};

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            for (int code : CLOSED) {
                if (s.getErrorCode() == code) {
                    return Override.MUST_EVICT;
                }
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
