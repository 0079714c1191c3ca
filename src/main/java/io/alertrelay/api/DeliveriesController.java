package io.alertrelay.api;

import io.alertrelay.api.ApiViews.DeliveryPage;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.delivery.DeliveryQueue;
import io.alertrelay.store.DeliveryHistory;
import io.alertrelay.store.DeliveryHistory.DeliveryRecord;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Deliveries across channels, mainly the dead ones, and sending a dead one again. */
@RestController
@Tag(name = "deliveries", description = "delivery history across channels and replay of dead deliveries")
public class DeliveriesController {

    private final DeliveryHistory history;
    private final ChannelRegistry channels;
    private final DeliveryQueue queue;

    public DeliveriesController(DeliveryHistory history, ChannelRegistry channels, DeliveryQueue queue) {
        this.history = history;
        this.channels = channels;
        this.queue = queue;
    }

    @GetMapping(path = "/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Deliveries of every channel, newest first, paged; ?status=dead lists what needs attention")
    public DeliveryPage list(@Parameter(description = "pending, sent or dead") @RequestParam(name = "status", required = false) String status,
                             @Parameter(description = "only this channel's") @RequestParam(name = "channel", required = false) String channel,
                             @Parameter(description = "only this alert's (its id)") @RequestParam(name = "alert", required = false) String alert,
                             @Parameter(description = "only alerts with this fingerprint") @RequestParam(name = "fingerprint", required = false) String fingerprint,
                             @Parameter(description = "only alerts whose title contains this text (any case)") @RequestParam(name = "title", required = false) String title,
                             @Parameter(description = "page number, from 0") @RequestParam(name = "page", required = false) String page,
                             @Parameter(description = "items per page, 1 to 500 (default 50)") @RequestParam(name = "size", required = false) String size) {
        DeliveryHistory.Filter filter = new DeliveryHistory.Filter(text("channel", channel, 64), Paging.status(status),
                text("alert", alert, 36), text("fingerprint", fingerprint, 255), text("title", title, 1024));
        Paging p = Paging.of(page, size);
        DeliveryHistory.Page rows = history.page(filter, p.page(), p.size());
        return new DeliveryPage(p.page(), p.size(), rows.total(), rows.items());
    }

    @PostMapping(path = "/deliveries/{id}/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Put a dead delivery back to pending so it is sent again",
            description = "404 if there is no such delivery, 409 if it is not dead or its channel is no longer configured.")
    public ResponseEntity<DeliveryRecord> replay(@PathVariable("id") String id) {
        DeliveryRecord d = find(id);
        if (!"dead".equals(d.status())) {
            throw new ApiErrors.Conflict("delivery " + d.id() + " is " + d.status() + "; only dead deliveries can be replayed");
        }
        if (channels.find(d.channelId()).isEmpty()) {
            throw new ApiErrors.Conflict("delivery " + d.id() + " belongs to channel '" + d.channelId()
                    + "', which is no longer configured");
        }
        if (!history.replay(d.id())) {
            throw new ApiErrors.Conflict("delivery " + d.id() + " is no longer dead; it was replayed meanwhile");
        }
        queue.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(history.find(d.id()).orElseThrow());
    }

    /** An optional search term: null when not given; longer than any stored value is a 400 naming it. */
    private static String text(String name, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > max) {
            throw new ApiErrors.BadRequest(name, "must be at most " + max + " characters, got " + value.length());
        }
        return value.strip();
    }

    private DeliveryRecord find(String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiErrors.NotFound("no delivery with id '" + id + "'");
        }
        return history.find(n).orElseThrow(() -> new ApiErrors.NotFound("no delivery with id '" + id + "'"));
    }
}
