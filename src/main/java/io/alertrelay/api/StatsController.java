package io.alertrelay.api;

import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.store.DeliveryStats;
import io.alertrelay.store.DeliveryStats.Window;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Delivery counts over time from the relay's own database: what the console draws its charts from. */
@RestController
@Tag(name = "stats", description = "deliveries over time, per time bucket, from the relay's database")
public class StatsController {

    static final int MAX_HOURS = 24 * 31;
    static final int MIN_STEP = 60;
    static final int MAX_STEP = 86_400;
    static final int MAX_BUCKETS = 1_500;

    private final DeliveryStats stats;
    private final ChannelRegistry channels;

    public StatsController(DeliveryStats stats, ChannelRegistry channels) {
        this.stats = stats;
        this.channels = channels;
    }

    @GetMapping(path = "/stats/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Per time bucket: deliveries accepted, sent and dead, dead ones by error type, "
            + "accept-to-delivery percentiles, pending backlog",
            description = "The last `hours` cut into buckets of `step` seconds, the last bucket holding now. Counts come "
                    + "from the deliveries kept (see retention).")
    public DeliveryStats.Series deliveries(
            @Parameter(description = "one channel's deliveries; all channels when absent") @RequestParam(name = "channel", required = false) String channel,
            @Parameter(description = "how far back, 1 to 744 (default 24)") @RequestParam(name = "hours", required = false) String hours,
            @Parameter(description = "bucket length in seconds, 60 to 86400 (default 3600)") @RequestParam(name = "step", required = false) String step) {
        String only = channel == null || channel.isBlank() ? null : channel.strip();
        if (only != null && channels.find(only).isEmpty()) {
            throw new ApiErrors.NotFound("no channel with id '" + only + "'");
        }
        return stats.series(only, window(hours, step));
    }

    @GetMapping(path = "/stats/channels", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Per channel and time bucket: deliveries sent and dead (same window parameters)")
    public DeliveryStats.ChannelSeries channels(
            @Parameter(description = "how far back, 1 to 744 (default 24)") @RequestParam(name = "hours", required = false) String hours,
            @Parameter(description = "bucket length in seconds, 60 to 86400 (default 3600)") @RequestParam(name = "step", required = false) String step) {
        return stats.perChannel(window(hours, step));
    }

    private static Window window(String hours, String step) {
        int h = Paging.number("hours", hours, 24, 1, MAX_HOURS);
        int s = Paging.number("step", step, 3600, MIN_STEP, MAX_STEP);
        long buckets = (h * 3600L + s - 1) / s;
        if (buckets > MAX_BUCKETS) {
            throw new ApiErrors.BadRequest("step", "is too short for " + h + " hours: that makes " + buckets
                    + " buckets, at most " + MAX_BUCKETS + " are served; use a step of at least "
                    + ((h * 3600L + MAX_BUCKETS - 1) / MAX_BUCKETS) + " seconds");
        }
        return Window.ending(Instant.now(), Duration.ofHours(h), Duration.ofSeconds(s));
    }
}
