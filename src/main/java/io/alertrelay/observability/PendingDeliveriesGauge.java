package io.alertrelay.observability;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * alert_relay_pending_deliveries{channel}: how many deliveries wait per channel. The counts come from
 * one grouped query, run at most once per refresh interval and only when someone reads the gauges,
 * so frequent scrapes (or several Prometheus servers) do not load the database.
 */
@Component
public class PendingDeliveriesGauge {

    private static final Logger LOG = LoggerFactory.getLogger(PendingDeliveriesGauge.class);
    static final String NAME = "alert.relay.pending.deliveries";

    private final JdbcTemplate jdbc;
    private final ChannelRegistry channels;
    private final MeterRegistry registry;
    private final long refreshNanos;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    private volatile Map<String, Long> counts = Map.of();
    private long refreshedAt;
    private boolean everRefreshed;

    public PendingDeliveriesGauge(JdbcTemplate jdbc, ChannelRegistry channels, MeterRegistry registry,
                                  @Value("${alert-relay.metrics.pending-refresh-ms:5000}") long refreshMs) {
        this.jdbc = jdbc;
        this.channels = channels;
        this.registry = registry;
        this.refreshNanos = refreshMs * 1_000_000L;
        channels.all().forEach(c -> register(c.id()));
    }

    private void register(String channelId) {
        if (registered.add(channelId)) {
            Gauge.builder(NAME, () -> pending(channelId))
                    .description("Deliveries waiting to be sent (status pending), refreshed from the database "
                            + "at most every alert-relay.metrics.pending-refresh-ms")
                    .tag("channel", channelId)
                    .register(registry);
        }
    }

    long pending(String channelId) {
        return current().getOrDefault(channelId, 0L);
    }

    private synchronized Map<String, Long> current() {
        long now = System.nanoTime();
        if (!everRefreshed || now - refreshedAt >= refreshNanos) {
            everRefreshed = true;
            refreshedAt = now;
            try {
                Map<String, Long> fresh = new HashMap<>();
                jdbc.query("SELECT channel_id, COUNT(*) FROM deliveries WHERE status = 'pending' GROUP BY channel_id",
                        rs -> {
                            fresh.put(rs.getString(1), rs.getLong(2));
                        });
                counts = fresh;
                // channels added by a reload, and rows of channels no longer configured, get a gauge too;
                // registered now, they appear from the next scrape on
                channels.all().stream().map(Channel::id).forEach(this::register);
                fresh.keySet().forEach(this::register);
            } catch (RuntimeException e) {
                // keep the last counts: a scrape must not fail because the database is briefly away
                LOG.warn("Could not count pending deliveries: {}", e.getMessage());
            }
        }
        return counts;
    }
}
