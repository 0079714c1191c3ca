package io.alertrelay.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** What the operations API reads and changes: channel status rows, delivery history, replays. */
@Component
public class DeliveryHistory {

    private static final String DELIVERY_COLUMNS = "d.id, d.alert_id, d.channel_id, a.title, d.status, d.attempts, "
            + "d.last_error, d.created_at, d.updated_at, d.sent_at, d.fingerprint, d.last_error_type "
            + "FROM deliveries d JOIN alerts a ON a.id = d.alert_id";

    private final JdbcTemplate jdbc;

    public DeliveryHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record LastFailure(Instant at, String errorType, String message, Integer statusCode, String responseText,
                              Boolean responseIsJson) {}

    /** A channel's status row plus how many of its deliveries wait or are dead. */
    public record ChannelStats(long sentCount, long failedCount, long pendingCount, long deadCount, Instant lastSuccessAt,
                               Double meanResponseMs, LastFailure lastFailure) {

        static ChannelStats empty() {
            return new ChannelStats(0, 0, 0, 0, null, null, null);
        }
    }

    /** {@code errorType}: why a dead delivery failed (the channel's failure types), null otherwise. */
    public record DeliveryRecord(long id, String alertId, String channelId, String title, String status, int attempts,
                                 String lastError, Instant createdAt, Instant updatedAt, Instant sentAt,
                                 String fingerprint, String errorType) {}

    /**
     * What a history search narrows by; every field is optional. {@code titleContains} matches a part of
     * the title, case-insensitively; the others match exactly.
     */
    public record Filter(String channelId, String status, String alertId, String fingerprint, String titleContains) {

        public static Filter of(String channelId, String status) {
            return new Filter(channelId, status, null, null, null);
        }
    }

    public record Page(List<DeliveryRecord> items, long total) {}

    public Map<String, ChannelStats> stats() {
        Map<String, long[]> counts = new HashMap<>();
        jdbc.query("SELECT channel_id, status, COUNT(*) FROM deliveries WHERE status IN ('pending', 'dead') "
                + "GROUP BY channel_id, status", rs -> {
            long[] c = counts.computeIfAbsent(rs.getString(1), k -> new long[2]);
            c["pending".equals(rs.getString(2)) ? 0 : 1] = rs.getLong(3);
        });
        Map<String, ChannelStats> out = new HashMap<>();
        jdbc.query("SELECT * FROM channel_status", rs -> {
            String id = rs.getString("channel_id");
            out.put(id, stats(rs, counts.getOrDefault(id, new long[2])));
        });
        return out;
    }

    public ChannelStats stats(String channelId) {
        return stats().getOrDefault(channelId, ChannelStats.empty());
    }

    private static ChannelStats stats(ResultSet rs, long[] counts) throws SQLException {
        long responses = rs.getLong("response_time_count");
        Double mean = responses == 0 ? null : Math.round(rs.getLong("response_time_total_ms") * 10.0 / responses) / 10.0;
        Instant failedAt = instant(rs, "last_failure_timestamp");
        LastFailure failure = failedAt == null ? null : new LastFailure(failedAt, rs.getString("last_failure_error_type"),
                rs.getString("last_failure_error_message"), (Integer) rs.getObject("last_failure_status_code", Integer.class),
                rs.getString("last_failure_response_text"), (Boolean) rs.getObject("last_failure_is_json", Boolean.class));
        return new ChannelStats(rs.getLong("sent_count"), rs.getLong("failed_count"), counts[0], counts[1],
                instant(rs, "last_success_timestamp"), mean, failure);
    }

    /** Newest first; {@code channelId} and {@code status} are optional filters. */
    public Page page(String channelId, String status, int page, int size) {
        return page(Filter.of(channelId, status), page, size);
    }

    /** Newest first, narrowed by the filter's fields that are set. */
    public Page page(Filter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        condition(where, args, "d.channel_id = ?", filter.channelId());
        condition(where, args, "d.status = ?", filter.status());
        condition(where, args, "d.alert_id = ?", filter.alertId());
        condition(where, args, "d.fingerprint = ?", filter.fingerprint());
        boolean byTitle = filter.titleContains() != null;
        condition(where, args, "LOWER(a.title) LIKE ? ESCAPE '\\'", byTitle ? "%" + likeEscaped(filter.titleContains()) + "%" : null);
        String from = byTitle ? " FROM deliveries d JOIN alerts a ON a.id = d.alert_id" : " FROM deliveries d";
        Long total = jdbc.queryForObject("SELECT COUNT(*)" + from + where, Long.class, args.toArray());
        List<DeliveryRecord> items = jdbc.query("SELECT " + DELIVERY_COLUMNS + where + " ORDER BY d.id DESC OFFSET "
                + ((long) page * size) + " ROWS FETCH NEXT " + size + " ROWS ONLY", DeliveryHistory::record, args.toArray());
        return new Page(items, total == null ? 0 : total);
    }

    private static void condition(StringBuilder where, List<Object> args, String sql, String value) {
        if (value != null) {
            where.append(" AND ").append(sql);
            args.add(value);
        }
    }

    /** The search text as a literal part of a LIKE pattern, lower-cased like the column it is compared with. */
    private static String likeEscaped(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    public Optional<DeliveryRecord> find(long id) {
        return jdbc.query("SELECT " + DELIVERY_COLUMNS + " WHERE d.id = ?", DeliveryHistory::record, id).stream().findFirst();
    }

    /**
     * A dead delivery back to pending and unclaimed, so the next claim sends it again. Its attempts
     * and last error stay as history until the new outcome is written. Returns false if it is not dead.
     */
    public boolean replay(long id) {
        return jdbc.update(REPLAY, Timestamp.from(Instant.now()), id) == 1;
    }

    /** "Still dead" as the other statuses, so H2 finds the row by primary key (see DeliveryStore.STILL_PENDING). */
    static final String REPLAY = "UPDATE deliveries SET status = 'pending', claimed_by = NULL, lease_until = NULL, "
            + "updated_at = ? WHERE id = ? AND status NOT IN ('pending', 'sent', 'suppressed', 'grouped')";

    /** All dead deliveries of a channel back to pending; returns how many. */
    public int replayChannel(String channelId) {
        return jdbc.update("UPDATE deliveries SET status = 'pending', claimed_by = NULL, lease_until = NULL, updated_at = ? "
                + "WHERE channel_id = ? AND status = 'dead'", Timestamp.from(Instant.now()), channelId);
    }

    private static DeliveryRecord record(ResultSet rs, int row) throws SQLException {
        return new DeliveryRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "sent_at"),
                rs.getString(11), rs.getString(12));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
