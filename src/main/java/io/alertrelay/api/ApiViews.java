package io.alertrelay.api;

import io.alertrelay.store.DeliveryHistory.ChannelStats;
import io.alertrelay.store.DeliveryHistory.DeliveryRecord;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the operations API (records, so the OpenAPI document shows their fields). */
public final class ApiViews {

    private ApiViews() {}

    /**
     * A configured channel and how it is doing. {@code rateLimit} is the limit in force: the channel's
     * own or its vendor's default; {@code config} has its secrets masked. {@code health} sums the status
     * up in one word (see {@link Health}).
     */
    public record ChannelView(String id, String kind, boolean enabled, String health, Map<String, Object> match,
                              String rateLimit, Map<String, Object> config, ChannelStats status) {}

    /**
     * A channel's health, worst first: {@code paused} (its circuit breaker is open, nothing is sent),
     * {@code failing} (its last attempt failed), {@code dead_letters} (it sends again, but dead
     * deliveries wait for a replay), {@code ok}, {@code disabled}.
     */
    public enum Health {
        PAUSED, FAILING, DEAD_LETTERS, OK, DISABLED;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Health of(boolean enabled, boolean breakerOpen, ChannelStats stats) {
            if (!enabled) {
                return DISABLED;
            }
            if (breakerOpen) {
                return PAUSED;
            }
            if (stats.lastFailure() != null) {
                return FAILING;
            }
            return stats.deadCount() > 0 ? DEAD_LETTERS : OK;
        }
    }

    /** One page of deliveries, newest first; {@code page} counts from 0. */
    public record DeliveryPage(int page, int size, long total, List<DeliveryRecord> items) {}

    public record ChannelReplay(String channel, int replayed) {}

    public record ReloadResult(List<String> channels, List<String> added, List<String> removed) {}
}
