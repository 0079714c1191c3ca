package io.alertrelay.api;

import io.alertrelay.api.ApiViews.ChannelReplay;
import io.alertrelay.api.ApiViews.ChannelView;
import io.alertrelay.api.ApiViews.DeliveryPage;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.RateLimit;
import io.alertrelay.delivery.DeliveryQueue;
import io.alertrelay.delivery.FlowControl;
import io.alertrelay.ops.ChannelTester;
import io.alertrelay.store.DeliveryHistory;
import io.alertrelay.store.DeliveryHistory.ChannelStats;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Channel status, history, test sends and replays: what an operator looks at when an integration breaks. */
@RestController
@Tag(name = "channels", description = "configured channels, their status and delivery history")
public class ChannelsController {

    static final int DEFAULT_TEST_TIMEOUT_SECONDS = 60;
    static final int MAX_TEST_TIMEOUT_SECONDS = 300;

    private final ChannelRegistry channels;
    private final DeliveryHistory history;
    private final FlowControl flow;
    private final ChannelTester tester;
    private final DeliveryQueue queue;

    public ChannelsController(ChannelRegistry channels, DeliveryHistory history, FlowControl flow, ChannelTester tester,
                              DeliveryQueue queue) {
        this.channels = channels;
        this.history = history;
        this.flow = flow;
        this.tester = tester;
        this.queue = queue;
    }

    @GetMapping(path = "/channels", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Every configured channel with its status (secrets masked)")
    public List<ChannelView> list() {
        Map<String, ChannelStats> stats = history.stats();
        Set<String> paused = flow.pausedChannels();
        return channels.all().stream().map(c -> view(c, stats.getOrDefault(c.id(), empty()), paused)).toList();
    }

    @GetMapping(path = "/channels/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "One channel with its status (secrets masked)")
    public ChannelView get(@PathVariable("id") String id) {
        Channel c = channel(id);
        return view(c, history.stats(c.id()), flow.pausedChannels());
    }

    @GetMapping(path = "/channels/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The channel's deliveries, newest first, paged, optionally filtered by status")
    public DeliveryPage deliveries(@PathVariable("id") String id,
                                   @Parameter(description = "pending, sent or dead") @RequestParam(name = "status", required = false) String status,
                                   @Parameter(description = "page number, from 0") @RequestParam(name = "page", required = false) String page,
                                   @Parameter(description = "items per page, 1 to 500 (default 50)") @RequestParam(name = "size", required = false) String size) {
        Channel c = channel(id);
        String filter = Paging.status(status);
        Paging p = Paging.of(page, size);
        DeliveryHistory.Page rows = history.page(c.id(), filter, p.page(), p.size());
        return new DeliveryPage(p.page(), p.size(), rows.total(), rows.items());
    }

    @PostMapping(path = "/channels/{id}/test", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send a test alert through this channel only and wait for the outcome",
            description = "The alert has reason \"test\" and a title starting with [TEST]; a kind that opens incidents "
                    + "(its kind file says test.then: resolve: PagerDuty, Opsgenie, …) gets a trigger, then a resolve on the same fingerprint. Answers 200 with outcome sent or failed (with the channel's failure "
                    + "fields), or 202 with outcome pending if the delivery is still being retried when the timeout ends.")
    public ResponseEntity<ChannelTester.Result> test(@PathVariable("id") String id,
                                                     @Parameter(description = "seconds to wait for the outcome, 1 to 300 (default 60)")
                                                     @RequestParam(name = "timeout", required = false) String timeout) {
        Channel c = channel(id);
        int seconds = Paging.number("timeout", timeout, DEFAULT_TEST_TIMEOUT_SECONDS, 1, MAX_TEST_TIMEOUT_SECONDS);
        ChannelTester.Result result = tester.test(c, Duration.ofSeconds(seconds));
        return ResponseEntity.status("pending".equals(result.outcome()) ? HttpStatus.ACCEPTED : HttpStatus.OK).body(result);
    }

    @PostMapping(path = "/channels/{id}/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Put every dead delivery of this channel back to pending; answers how many")
    public ResponseEntity<ChannelReplay> replay(@PathVariable("id") String id) {
        Channel c = channel(id);
        int n = history.replayChannel(c.id());
        queue.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new ChannelReplay(c.id(), n));
    }

    private Channel channel(String id) {
        return channels.find(id).orElseThrow(() -> new ApiErrors.NotFound("no channel with id '" + id + "'"));
    }

    private ChannelView view(Channel c, ChannelStats stats, Set<String> paused) {
        RateLimit limit = flow.effectiveLimit(c);
        String health = ApiViews.Health.of(c.enabled(), paused.contains(c.id()), stats).value();
        return new ChannelView(c.id(), c.kind(), c.enabled(), health, c.matchRule(), limit == null ? null : limit.toString(),
                c.maskedConfig(), stats);
    }

    private static ChannelStats empty() {
        return new ChannelStats(0, 0, 0, 0, null, null, null);
    }
}
