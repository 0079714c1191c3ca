package io.alertrelay.ops;

import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.delivery.DeliveryQueue;
import io.alertrelay.store.AlertStore;
import io.alertrelay.store.DeliveryHistory;
import io.alertrelay.store.DeliveryHistory.DeliveryRecord;
import io.alertrelay.store.DeliveryHistory.LastFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Sends a clearly marked test alert through one channel, the way a real alert travels (stored, claimed,
 * retried by the shared error handler), and waits for its outcome. A kind whose file says so (PagerDuty,
 * Opsgenie, …) gets a trigger and then a resolve on the same fingerprint, so the test leaves no open
 * incident behind.
 */
@Component
public class ChannelTester {

    public static final String TEST_LABEL = "alert-relay-test";
    private static final Duration POLL = Duration.ofMillis(50);

    private final AlertStore alerts;
    private final DeliveryQueue queue;
    private final DeliveryHistory history;

    public ChannelTester(AlertStore alerts, DeliveryQueue queue, DeliveryHistory history) {
        this.alerts = alerts;
        this.queue = queue;
        this.history = history;
    }

    /** One alert sent by the test: trigger, or the resolve that follows it for kinds that open incidents. */
    public record Step(String action, String alertId, long deliveryId, String status, int attempts, String lastError) {}

    /**
     * outcome: sent (every step delivered), failed (a step is dead; failure holds the channel's failure
     * fields), or pending (still being retried when the deadline came).
     */
    public record Result(String channel, String kind, String outcome, long elapsedMs, List<Step> steps, LastFailure failure) {}

    public Result test(Channel channel, Duration timeout) {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        String fingerprint = "alert-relay-test-" + channel.id() + "-" + UUID.randomUUID();
        List<Step> steps = new ArrayList<>();
        Step trigger = send(channel, "trigger", alert(channel, fingerprint, "firing"), deadline);
        steps.add(trigger);
        // a kind that opens incidents resolves its test alert (spec.test.then: resolve in its kind file)
        if (channel.spec().facts().resolveAfterTest() && "sent".equals(trigger.status())) {
            steps.add(send(channel, "resolve", alert(channel, fingerprint, "resolved"), deadline));
        }
        String outcome = steps.stream().anyMatch(s -> "dead".equals(s.status())) ? "failed"
                : steps.stream().allMatch(s -> "sent".equals(s.status())) ? "sent" : "pending";
        LastFailure failure = null;
        if (outcome.equals("failed")) {
            // written just before the delivery turned dead, so it describes this test unless another delivery raced it
            failure = history.stats(channel.id()).lastFailure();
            if (failure == null) {
                Step dead = steps.get(steps.size() - 1);
                failure = new LastFailure(null, null, dead.lastError(), null, null, null);
            }
        }
        return new Result(channel.id(), channel.kind(), outcome, (System.nanoTime() - started) / 1_000_000, steps, failure);
    }

    private Step send(Channel channel, String action, Alert alert, Instant deadline) {
        AlertStore.Accepted accepted = alerts.storeFor(alert, channel);
        long deliveryId = accepted.deliveryIds().get(0);
        queue.handOff(List.of(accepted));
        DeliveryRecord row = history.find(deliveryId).orElseThrow();
        while ("pending".equals(row.status()) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            row = history.find(deliveryId).orElseThrow();
        }
        return new Step(action, accepted.alertId(), deliveryId, row.status(), row.attempts(), row.lastError());
    }

    private static Alert alert(Channel channel, String fingerprint, String status) {
        String title = "[TEST] alert-relay test of channel " + channel.id();
        String message = status.equals("resolved")
                ? "The test alert is resolved. Nothing to do."
                : "This is a **test alert** sent by alert-relay to check the channel `" + channel.id()
                        + "`. Nothing is wrong; no action is needed.";
        return new Alert(null, null, title, message, "info", status, "test", "test", fingerprint, "alert-relay", null,
                null, Instant.now(), null, null, null, Map.of(TEST_LABEL, "true"), null, null);
    }
}
