package io.alertrelay.delivery;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.RateLimit;
import io.alertrelay.store.DeliveryStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Per-channel flow control: a rate limit (the channel's own, or its vendor's published one) and a
 * circuit breaker. A delivery over the limit, or for a channel whose breaker is open, goes back to
 * the database as pending with a time before which it is not claimed again: it waits, it is never
 * dropped, and it never holds a worker that another channel could use.
 */
@Component("flowControl")
public class FlowControl {

    private final ChannelRegistry channels;
    private final DeliveryStore store;
    private final RelayProperties.Breaker breakerSettings;
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public FlowControl(ChannelRegistry channels, DeliveryStore store, RelayProperties props) {
        this.channels = channels;
        this.store = store;
        this.breakerSettings = props.getDelivery().getCircuitBreaker();
    }

    /** A rate limiter plus the next free slot, so deferred deliveries come back spread at the channel's pace. */
    private static final class Limiter {
        final RateLimiter limiter;
        final long spacingNanos;
        long nextSlotNanos;

        Limiter(RateLimiter limiter, RateLimit rate) {
            this.limiter = limiter;
            this.spacingNanos = rate.period().toNanos() / rate.permits();
        }

        synchronized Duration nextSlot() {
            long now = System.nanoTime();
            nextSlotNanos = Math.max(nextSlotNanos, now) + spacingNanos;
            return Duration.ofNanos(nextSlotNanos - now);
        }
    }

    public RateLimit effectiveLimit(Channel c) {
        if (c.rateLimit() != null) {
            return c.rateLimit();
        }
        // the vendor's documented limit, from the kind file (spec.rate-limit)
        String vendor = c.spec().facts().rateLimit();
        return vendor == null ? null : RateLimit.parse(vendor);
    }

    private Limiter limiter(Channel c) {
        RateLimit rate = effectiveLimit(c);
        if (rate == null) {
            return null;
        }
        return limiters.computeIfAbsent(c.id(), id -> new Limiter(RateLimiter.of("channel-" + id, RateLimiterConfig.custom()
                .limitForPeriod(rate.permits()).limitRefreshPeriod(rate.period()).timeoutDuration(Duration.ZERO).build()), rate));
    }

    public CircuitBreaker breaker(String channelId) {
        return breakers.computeIfAbsent(channelId, id -> CircuitBreaker.of("channel-" + id, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breakerSettings.getWindow())
                .minimumNumberOfCalls(breakerSettings.getMinimumCalls())
                .failureRateThreshold(breakerSettings.getFailureRateThreshold())
                .waitDurationInOpenState(Duration.ofSeconds(breakerSettings.getOpenSeconds()))
                .permittedNumberOfCallsInHalfOpenState(1)
                // the claim query skips open channels, so nothing else would ever move the breaker on
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build()));
    }

    /**
     * In the deliver route, before dispatch: lets the delivery through, or defers it in the database and
     * leaves a null body so the route skips it.
     */
    public void admit(Exchange exchange) {
        if (exchange.getMessage().getBody() == null) {
            return;
        }
        Channel channel = channels.find(exchange.getProperty(Deliveries.CHANNEL_ID, String.class)).orElse(null);
        if (channel == null) {
            return;
        }
        long id = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        CircuitBreaker breaker = breaker(channel.id());
        if (!breaker.tryAcquirePermission()) {
            store.defer(id, Instant.now().plus(Duration.ofSeconds(breakerSettings.getOpenSeconds())));
            exchange.getMessage().setBody(null);
            return;
        }
        Limiter limiter = limiter(channel);
        if (limiter != null && !limiter.limiter.acquirePermission()) {
            breaker.releasePermission();
            store.defer(id, Instant.now().plus(limiter.nextSlot()));
            exchange.getMessage().setBody(null);
        }
    }

    /**
     * After a config reload: rate limiters are rebuilt from the new limits on first use, and the breakers
     * of channels that are gone are dropped. The breakers of channels that stay keep what they learnt
     * about their target.
     */
    public void channelsReplaced(Set<String> channelIds) {
        limiters.clear();
        breakers.keySet().retainAll(channelIds);
    }

    /** Channels that cannot send right now, so the claim query leaves their rows alone. */
    public Set<String> pausedChannels() {
        return breakers.entrySet().stream().filter(e -> e.getValue().getState() == CircuitBreaker.State.OPEN)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** After a successful attempt. */
    public void succeeded(Exchange exchange) {
        breaker(exchange.getProperty(Deliveries.CHANNEL_ID, String.class)).onSuccess(0, TimeUnit.NANOSECONDS);
    }

    /** After each failed attempt: only a target that is down or unreachable counts against the breaker. */
    void attemptFailed(String channelId, Failure failure, Throwable error) {
        if (channelId == null) {
            return;
        }
        switch (failure.type()) {
            case "server_error", "connection", "timeout" -> breaker(channelId).onError(0, TimeUnit.NANOSECONDS, error);
            // says nothing about the target; but a trial call's permission must come back, or a half-open
            // breaker (one permitted call) would wait for its outcome for ever and the channel never send again
            case FailureClassifier.STORAGE_ERROR, FailureClassifier.LEASE_LOST -> breaker(channelId).releasePermission();
            default -> breaker(channelId).onSuccess(0, TimeUnit.NANOSECONDS);
        }
    }

    boolean isOpen(String channelId) {
        return channelId != null && breaker(channelId).getState() == CircuitBreaker.State.OPEN;
    }

    Duration openWait() {
        return Duration.ofSeconds(breakerSettings.getOpenSeconds());
    }
}
