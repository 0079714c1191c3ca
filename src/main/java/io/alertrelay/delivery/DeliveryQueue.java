package io.alertrelay.delivery;

import io.alertrelay.RelayProperties;
import io.alertrelay.store.AlertStore;
import io.alertrelay.store.DeliveryStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The bounded in-memory hand-off between pending delivery rows and the workers of the deliver route.
 * Rows are claimed only as far as the queue has room; the rest wait in the database, so memory stays
 * bounded and nothing is dropped. The claim-deliveries timer polls; {@link #wake()} claims at once
 * after an ingest commit or a finished delivery, so new work does not wait for the timer.
 */
@Component("deliveryQueue")
public class DeliveryQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    static final String ENDPOINT = "seda:deliver?queue=#deliveryExchanges";

    private final BlockingQueue<Exchange> exchanges;
    private final DeliveryStore store;
    private final ProducerTemplate producer;
    private final RelayProperties props;
    private final FlowControl flow;
    private final ExecutorService waker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "delivery-claimer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    /**
     * Deliveries queued or on a worker, with when they were queued: a row whose lease ran out while it
     * waited in the queue is claimed again by the next pass, and must not be queued a second time.
     */
    private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();

    public DeliveryQueue(@Lazy BlockingQueue<Exchange> deliveryExchanges, DeliveryStore store,
                         @Lazy ProducerTemplate producer, RelayProperties props, @Lazy FlowControl flow) {
        this.exchanges = deliveryExchanges;
        this.store = store;
        this.producer = producer;
        this.props = props;
        this.flow = flow;
    }

    /** Asks for a claim pass soon; many calls while one is scheduled collapse into that one. */
    public void wake() {
        if (wakeScheduled.compareAndSet(false, true)) {
            waker.execute(() -> {
                wakeScheduled.set(false);
                try {
                    claimAndQueue();
                } catch (RuntimeException e) {
                    LOG.warn("Claiming deliveries failed; the next poll retries: {}", e.getMessage());
                }
            });
        }
    }

    /** Claims what the queue can take now and hands it to the workers. */
    public synchronized int claimAndQueue() {
        int room = Math.min(exchanges.remainingCapacity(), props.getDelivery().getClaimBatch());
        List<Long> ids = store.claim(room, flow.pausedChannels());
        long now = System.nanoTime();
        long leaseNanos = TimeUnit.SECONDS.toNanos(props.getDelivery().getLeaseSeconds());
        int queued = 0;
        for (Long id : ids) {
            Long since = inFlight.get(id);
            if (since != null && now - since < 2 * leaseNanos) {
                continue; // already waiting here; the claim just renewed its lease
            }
            inFlight.put(id, now);
            try {
                producer.sendBody(ENDPOINT, id);
                queued++;
            } catch (RuntimeException full) {
                inFlight.remove(id);
                store.release(id);
            }
        }
        return queued;
    }

    /**
     * After an ingest commit: deliveries already claimed by the store go straight to the workers; a claim
     * pass runs only for those that wait behind an earlier delivery of their fingerprint (or did not fit).
     */
    public void handOff(List<AlertStore.Accepted> accepted) {
        boolean claimPass = false;
        for (AlertStore.Accepted a : accepted) {
            claimPass |= a.claimedIds().size() < a.deliveryIds().size();
            for (Long id : a.claimedIds()) {
                inFlight.put(id, System.nanoTime());
                try {
                    producer.sendBody(ENDPOINT, id);
                } catch (RuntimeException full) {
                    inFlight.remove(id);
                    store.release(id);
                    claimPass = true;
                }
            }
        }
        if (claimPass) {
            wake();
        }
    }

    /**
     * End of every delivery (sent, dead, deferred or interrupted): it may be queued again, and a delivery
     * of the same fingerprint waiting behind it may go now. Rows that wait for a time (rate limit, breaker)
     * are picked up by the claim-deliveries poll.
     */
    public void finished(Exchange exchange) {
        Long id = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        if (id != null) {
            inFlight.remove(id);
        }
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        try {
            if (id == null || ctx == null || store.hasSuccessor(id, ctx.channel().id(), ctx.alert().fingerprint())) {
                wake();
            }
        } catch (RuntimeException e) {
            wake();
        }
    }

    @PreDestroy
    public void shutdown() {
        waker.shutdownNow();
    }

    @Configuration
    static class Queues {
        @Bean
        BlockingQueue<Exchange> deliveryExchanges(RelayProperties props) {
            return new LinkedBlockingQueue<>(props.getDelivery().getQueueSize());
        }
    }
}
