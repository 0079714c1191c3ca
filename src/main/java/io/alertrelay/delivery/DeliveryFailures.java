package io.alertrelay.delivery;

import io.alertrelay.observability.DeliveryMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Java side of the shared onException handler in routes/error-handling.yaml: the retry decision,
 * the Retry-After wait, and the failure fields written through camel-sql. Failure messages quote the
 * target's answer, which may echo alert text, so they are logged with control characters escaped.
 */
@Component("deliveryFailures")
public class DeliveryFailures implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    private final FailureClassifier classifier;
    private final Map<String, PayloadBuilder> builders;
    private final FlowControl flow;
    private final DeliveryMetrics metrics;
    private final int maxAttempts;
    private final long retryAfterCapMs;

    public DeliveryFailures(FailureClassifier classifier, List<PayloadBuilder> builders, FlowControl flow,
                            DeliveryMetrics metrics,
                            @Value("${alert-relay.delivery.retry.max-attempts:6}") int maxAttempts,
                            @Value("${alert-relay.delivery.retry.retry-after-cap-ms:120000}") long retryAfterCapMs) {
        this.classifier = classifier;
        this.flow = flow;
        this.metrics = metrics;
        this.builders = builders.stream().collect(Collectors.toMap(b -> b.spec().name(), Function.identity()));
        this.maxAttempts = maxAttempts;
        this.retryAfterCapMs = retryAfterCapMs;
    }

    /** retryWhile: only transient failures, and only until the attempts are used up. */
    public boolean shouldRetry(Exchange exchange) {
        int attempts = exchange.getProperty(Deliveries.ATTEMPT, 0, Integer.class);
        // once the channel's breaker is open, more tries only burn attempts; the delivery waits instead
        return attempts < maxAttempts && failure(exchange).retryable()
                && !flow.isOpen(exchange.getProperty(Deliveries.CHANNEL_ID, String.class));
    }

    /**
     * onExceptionOccurred: runs before Camel computes the next delay, so a Retry-After from the target
     * replaces the backoff (capped); without one the header is cleared and the backoff applies.
     */
    @Override
    public void process(Exchange exchange) {
        Failure f = failure(exchange);
        LOG.warn("Delivery {} to channel '{}': attempt {} failed: {} {}", exchange.getProperty(Deliveries.DELIVERY_ID),
                exchange.getProperty(Deliveries.CHANNEL_ID), exchange.getProperty(Deliveries.ATTEMPT), f.type(),
                Limits.loggable(f.message()));
        flow.attemptFailed(exchange.getProperty(Deliveries.CHANNEL_ID, String.class), f, exchange.getException());
        metrics.attemptFailed(exchange, f.type());
        if (f.retryAfterMs() >= 0) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(f.retryAfterMs(), retryAfterCapMs));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /**
     * After the last try: decides the outcome (dead, deferred while the circuit breaker is open, or
     * untouched) and puts it with the failure fields into exchange properties; the SQL updates of
     * error-handling.yaml record them.
     */
    public void record(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Failure f = error == null ? new Failure("internal_error", "unknown failure", null, null, null, false, -1)
                : classify(exchange, error);
        int attempts = Math.max(1, exchange.getProperty(Deliveries.ATTEMPT, 0, Integer.class));
        exchange.setProperty(Deliveries.ATTEMPT, attempts);
        exchange.setProperty("failureType", f.type());
        exchange.setProperty("failureMessage", f.message());
        exchange.setProperty("failureStatus", f.statusCode());
        exchange.setProperty("failureResponse", f.responseText());
        exchange.setProperty("failureIsJson", f.responseIsJson());
        String channelId = exchange.getProperty(Deliveries.CHANNEL_ID, String.class);
        Long id = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        if (f.type().equals(FailureClassifier.STORAGE_ERROR) || f.type().equals(FailureClassifier.LEASE_LOST)) {
            // neither the channel's fault nor final: the row keeps its lease (or belongs to another
            // instance now) and is claimed again when the lease runs out
            exchange.setProperty("outcome", "untouched");
            LOG.error("Delivery {} to channel '{}' interrupted, it stays pending: {}", id, channelId,
                    Limits.loggable(f.message()));
            return;
        }
        if (f.retryable() && flow.isOpen(channelId)) {
            // the target is down: keep the delivery pending until the breaker lets a trial through
            exchange.setProperty("outcome", "deferred");
            exchange.setProperty("failedIncrement", 0);
            // written by error-handling.yaml with the failure fields: the row waits unclaimed until then
            exchange.setProperty("deferUntil", java.sql.Timestamp.from(Instant.now().plus(flow.openWait())));
            LOG.warn("Delivery {} to channel '{}' waits: the channel's circuit breaker is open after {}", id, channelId,
                    Limits.loggable(f.message()));
            return;
        }
        exchange.setProperty("outcome", "dead");
        exchange.setProperty("failedIncrement", 1);
        LOG.warn("Delivery {} to channel '{}' failed for good after {} attempt(s): {} {}", id, channelId, attempts,
                f.type(), Limits.loggable(f.message()));
    }

    private Failure failure(Exchange exchange) {
        Throwable error = exchange.getException();
        if (error == null) {
            error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return error == null ? new Failure("internal_error", "unknown", null, null, null, false, -1) : classify(exchange, error);
    }

    /**
     * The handler asks about one failed attempt three times (onExceptionOccurred, retryWhile, and record
     * after the last); the vendor's answer is classified, parsed and masked once per exception.
     */
    private Failure classify(Exchange exchange, Throwable error) {
        if (exchange.getProperty(CLASSIFIED_ERROR) == error) {
            return exchange.getProperty(CLASSIFIED, Failure.class);
        }
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        List<String> secrets = ctx == null ? List.of() : ctx.channel().secretValues();
        Failure f = classifier.classify(error, secrets, ctx == null ? null : vendorErrors(ctx));
        exchange.setProperty(CLASSIFIED_ERROR, error);
        exchange.setProperty(CLASSIFIED, f);
        return f;
    }

    /** The kind's Java builder reads its vendor's errors if it has one; else its kind file's spec.errors. */
    private VendorErrors vendorErrors(DeliveryContext ctx) {
        VendorErrors declared = ctx.channel().spec().facts().errors();
        PayloadBuilder builder = builders.get(ctx.channel().kind());
        if (builder == null) {
            return declared;
        }
        return new VendorErrors() {
            @Override
            public String describeError(VendorAnswer answer) {
                String s = builder.describeError(answer);
                return s != null ? s : declared.describeError(answer);
            }

            @Override
            public java.util.Set<Integer> retryableStatuses() {
                return declared.retryableStatuses();
            }
        };
    }

    private static final String CLASSIFIED_ERROR = "classifiedError";
    private static final String CLASSIFIED = "classifiedFailure";
}
