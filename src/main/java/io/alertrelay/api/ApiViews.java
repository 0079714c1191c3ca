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
     * own or its vendor's default; {@code config} has its secrets masked.
     */
    public record ChannelView(String id, String kind, boolean enabled, Map<String, Object> match, String rateLimit,
                              Map<String, Object> config, ChannelStats status) {}

    /** One page of deliveries, newest first; {@code page} counts from 0. */
    public record DeliveryPage(int page, int size, long total, List<DeliveryRecord> items) {}

    public record ChannelReplay(String channel, int replayed) {}

    public record ReloadResult(List<String> channels, List<String> added, List<String> removed) {}
}
