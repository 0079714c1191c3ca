package io.alertrelay.observability;

import io.alertrelay.delivery.Deliveries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Per-channel delivery metrics, exported by /actuator/prometheus as
 * alert_relay_deliveries_total{channel,kind,outcome}, alert_relay_delivery_failures_total{channel,kind,reason}
 * and alert_relay_delivery_seconds{channel,kind} (a histogram).
 */
@Component("deliveryMetrics")
public class DeliveryMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryMetrics.class);

    static final String DELIVERIES = "alert.relay.deliveries";
    static final String FAILURES = "alert.relay.delivery.failures";
    static final String LATENCY = "alert.relay.delivery";

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The deliver route, once the delivery row says 'sent'. */
    public void sent(Exchange exchange) {
        guarded(() -> recordSent(exchange));
    }

    private void recordSent(Exchange exchange) {
        String channel = channel(exchange);
        String kind = kind(exchange);
        outcome(channel, kind, "sent").increment();
        Instant acceptedAt = exchange.getProperty(Deliveries.ACCEPTED_AT, Instant.class);
        // a replayed delivery already has attempts on record: its latency would measure how long it lay dead,
        // not how fast the relay delivers
        int earlierAttempts = exchange.getProperty("attempts", 0, Integer.class);
        if (acceptedAt != null && earlierAttempts == 0) {
            Duration latency = Duration.between(acceptedAt, Instant.now());
            latency(channel, kind).record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    /** The shared error handler, once the delivery row says 'dead'. */
    public void dead(Exchange exchange) {
        guarded(() -> outcome(channel(exchange), kind(exchange), "dead").increment());
    }

    /** Every failed attempt, retried or not: a flaky target shows up even when its retries succeed. */
    public void attemptFailed(Exchange exchange, String reason) {
        guarded(() -> Counter.builder(FAILURES)
                .description("Failed delivery attempts, by the failure type written to the channel's failure fields")
                .tag("channel", channel(exchange))
                .tag("kind", kind(exchange))
                .tag("reason", reason)
                .register(registry)
                .increment());
    }

    /** Metrics run inside the delivery routes: whatever goes wrong here must not change a delivery's outcome. */
    private static void guarded(Runnable update) {
        try {
            update.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not update delivery metrics: {}", e.toString());
        }
    }

    private Counter outcome(String channel, String kind, String outcome) {
        return Counter.builder(DELIVERIES)
                .description("Deliveries finished, by outcome (sent, or dead after the last try)")
                .tag("channel", channel)
                .tag("kind", kind)
                .tag("outcome", outcome)
                .register(registry);
    }

    private Timer latency(String channel, String kind) {
        return Timer.builder(LATENCY)
                .description("From acceptance of the alert (deliveries.created_at) to the delivery marked sent, "
                        + "retries and rate-limit waits included")
                .tag("channel", channel)
                .tag("kind", kind)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                // retries with backoff and rate-limit waits can take minutes; keep them out of the +Inf bucket
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private static String channel(Exchange exchange) {
        String id = exchange.getProperty(Deliveries.CHANNEL_ID, String.class);
        return id == null ? "unknown" : id;
    }

    private static String kind(Exchange exchange) {
        String kind = exchange.getProperty(Deliveries.KIND, String.class);
        return kind == null ? "none" : kind;
    }
}
