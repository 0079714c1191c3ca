package io.alertrelay.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deliveries counted per time bucket, for the console's charts, from the deliveries table itself (so
 * the charts need no Prometheus and show what retention keeps). Every query reads one window of
 * {@code created_at} through its index; a delivery that finished in the window is counted if it was
 * created at most {@link #LOOKBACK} before it (retries take minutes, not a day).
 * The SQL is the same on H2 and PostgreSQL: buckets are whole multiples of the step in epoch seconds.
 */
@Component
public class DeliveryStats {

    static final Duration LOOKBACK = Duration.ofDays(1);

    private final JdbcTemplate jdbc;

    public DeliveryStats(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A time window cut into {@code count} buckets of {@code step}; the last one holds now. */
    public record Window(Instant from, Duration step, int count) {

        public static Window ending(Instant now, Duration length, Duration step) {
            long s = step.toSeconds();
            long lastStart = Math.floorDiv(now.getEpochSecond(), s) * s;
            int count = (int) Math.max(1, (length.toSeconds() + s - 1) / s);
            return new Window(Instant.ofEpochSecond(lastStart - (count - 1) * s), step, count);
        }

        Instant to() {
            return from.plus(step.multipliedBy(count));
        }

        Instant start(int bucket) {
            return from.plus(step.multipliedBy(bucket));
        }
    }

    /**
     * One bucket: deliveries created, sent and dead in it, the pending backlog at its end,
     * accept-to-delivery percentiles of the ones sent in it (null without any), dead ones by error type.
     */
    public record Bucket(Instant start, long accepted, long sent, long dead, long pending, Latency latencyMs,
                         Map<String, Long> failures) {}

    public record Latency(double p50, double p90, double p99) {}

    public record Series(String channel, Instant from, Instant to, long stepSeconds, List<Bucket> buckets) {}

    /** Sent and dead per bucket of every channel that had any, for the channel list's small charts. */
    public record ChannelSeries(Instant from, Instant to, long stepSeconds, Map<String, Counts> channels) {}

    public record Counts(long[] sent, long[] dead) {}

    /** Every bucket of the window for one channel, or for all of them when {@code channel} is null. */
    public Series series(String channel, Window w) {
        int n = w.count();
        long[] accepted = new long[n];
        long[] sent = new long[n];
        long[] dead = new long[n];
        Latency[] latency = new Latency[n];
        List<Map<String, Long>> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            failures.add(new TreeMap<>());
        }
        String only = channel == null ? "" : " AND channel_id = ?";
        long s = w.step().toSeconds();

        query("SELECT b, COUNT(*) FROM (SELECT " + bucket("created_at", s) + " AS b FROM deliveries "
                + "WHERE created_at >= ?" + only + ") t GROUP BY b", channel, w.from(), w, (i, rs) -> accepted[i] = rs.getLong(2));
        query("SELECT b, COUNT(*), "
                + "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ms), PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY ms), "
                + "PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY ms) FROM (SELECT " + bucket("sent_at", s) + " AS b, "
                + "(EXTRACT(EPOCH FROM sent_at) - EXTRACT(EPOCH FROM created_at)) * 1000 AS ms FROM deliveries "
                + "WHERE created_at >= ? AND status = 'sent' AND sent_at >= ?" + only + ") t GROUP BY b",
                channel, w.from().minus(LOOKBACK), w, (i, rs) -> {
                    sent[i] = rs.getLong(2);
                    latency[i] = new Latency(round(rs.getDouble(3)), round(rs.getDouble(4)), round(rs.getDouble(5)));
                });
        query("SELECT b, e, COUNT(*) FROM (SELECT " + bucket("updated_at", s) + " AS b, "
                + "COALESCE(last_error_type, 'unknown') AS e FROM deliveries "
                + "WHERE created_at >= ? AND status = 'dead' AND updated_at >= ?" + only + ") t GROUP BY b, e",
                channel, w.from().minus(LOOKBACK), w, (i, rs) -> {
                    dead[i] += rs.getLong(3);
                    failures.get(i).put(rs.getString(2), rs.getLong(3));
                });

        // the backlog now, walked back: at the end of a bucket it was what is pending now, minus what
        // arrived after, plus what finished after
        Long pendingNow = channel == null
                ? jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'", Long.class)
                : jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND channel_id = ?",
                        Long.class, channel);
        long[] pending = new long[n];
        long level = pendingNow == null ? 0 : pendingNow;
        for (int i = n - 1; i >= 0; i--) {
            pending[i] = Math.max(0, level);
            level = level - accepted[i] + sent[i] + dead[i];
        }

        List<Bucket> buckets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            buckets.add(new Bucket(w.start(i), accepted[i], sent[i], dead[i], pending[i], latency[i], failures.get(i)));
        }
        return new Series(channel, w.from(), w.to(), s, buckets);
    }

    public ChannelSeries perChannel(Window w) {
        int n = w.count();
        long s = w.step().toSeconds();
        Map<String, Counts> out = new LinkedHashMap<>();
        Map<String, Counts> byChannel = new HashMap<>();
        for (String[] q : new String[][] {{"sent", "sent_at"}, {"dead", "updated_at"}}) {
            boolean isSent = q[0].equals("sent");
            jdbc.query("SELECT c, b, COUNT(*) FROM (SELECT channel_id AS c, " + bucket(q[1], s) + " AS b FROM deliveries "
                    + "WHERE created_at >= ? AND status = '" + q[0] + "' AND " + q[1] + " >= ?) t GROUP BY c, b", rs -> {
                int i = index(rs.getLong(2), w);
                if (i >= 0) {
                    Counts c = byChannel.computeIfAbsent(rs.getString(1), k -> new Counts(new long[n], new long[n]));
                    (isSent ? c.sent() : c.dead())[i] = rs.getLong(3);
                }
            }, Timestamp.from(w.from().minus(LOOKBACK)), Timestamp.from(w.from()));
        }
        byChannel.keySet().stream().sorted().forEach(k -> out.put(k, byChannel.get(k)));
        return new ChannelSeries(w.from(), w.to(), s, out);
    }

    private interface Row {
        void accept(int bucket, java.sql.ResultSet rs) throws java.sql.SQLException;
    }

    /** Runs a bucketed query with its window arguments (and the channel, if any) and hands on rows inside the window. */
    private void query(String sql, String channel, Instant createdFrom, Window w, Row row) {
        List<Object> args = new ArrayList<>();
        args.add(Timestamp.from(createdFrom));
        if (!createdFrom.equals(w.from())) {
            args.add(Timestamp.from(w.from()));
        }
        if (channel != null) {
            args.add(channel);
        }
        jdbc.query(sql, rs -> {
            int i = index(rs.getLong(1), w);
            if (i >= 0) {
                row.accept(i, rs);
            }
        }, args.toArray());
    }

    /** The step is a validated whole number of seconds, so it goes into the SQL as a literal. */
    private static String bucket(String column, long stepSeconds) {
        return "FLOOR(EXTRACT(EPOCH FROM " + column + ") / " + stepSeconds + ")";
    }

    private static int index(long bucketNumber, Window w) {
        long s = w.step().toSeconds();
        long i = bucketNumber - w.from().getEpochSecond() / s;
        return i >= 0 && i < w.count() ? (int) i : -1;
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
