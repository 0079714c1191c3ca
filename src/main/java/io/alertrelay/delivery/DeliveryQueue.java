package io.alertrelay.delivery;

import io.alertrelay.RelayProperties;
import io.alertrelay.store.AlertStore;
import io.alertrelay.store.DeliveryStore;
import io.alertrelay.store.StoredDelivery;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * bounded and nothing is dropped. Fresh deliveries come claimed from the ingest transaction; a claim pass
 * ({@link #wake()}) runs for what they left behind: deliveries that did not fit, and deliveries waiting
 * behind an earlier one of their fingerprint, once it ends. The claim-deliveries timer polls for the
 * rest (rate-limited and deferred rows, other instances' leftovers).
 */
@Component("deliveryQueue")
public class DeliveryQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    static final String ENDPOINT = "seda:deliver?queue=#deliveryExchanges";
    private static final int MAX_WAITING_KEYS = 100_000;

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
     * Deliveries were left in the database for a claim pass (the queue was full, or a pass was). Not set
     * at startup: what an earlier run left is claimed by the first poll, and meanwhile new work keeps the
     * cheaper path (claimed by its ingest transaction, carrying its alert) instead of a pass and a reload.
     */
    private final AtomicBoolean backlog = new AtomicBoolean();
    /** A claim pass was asked for while the queue had too little room. */
    private final AtomicBoolean wantClaim = new AtomicBoolean();
    /**
     * Channel+fingerprint keys with a delivery stored behind an earlier pending one: when that one ends,
     * the database is asked whether the next may go. Other keys need no query at all.
     */
    private final Set<String> waitingKeys = ConcurrentHashMap.newKeySet();
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

    /** The key of a channel and fingerprint, whose deliveries go out one at a time and in order. */
    public static String key(String channelId, String fingerprint) {
        return channelId + "\u0000" + fingerprint;
    }

    /**
     * How many deliveries an ingest transaction may claim for itself: none while older deliveries wait
     * for a claim pass (or a pass waits for room), so that those go first.
     */
    public int claimBudget() {
        return backlog.get() || wantClaim.get() ? 0 : exchanges.remainingCapacity();
    }

    /**
     * Asks for a claim pass soon; many calls while one is scheduled collapse into that one. A pass reads
     * every pending row, so it waits until the queue has room for a good share of a batch.
     */
    public void wake() {
        if (wakeScheduled.compareAndSet(false, true)) {
            waker.execute(() -> {
                wakeScheduled.set(false);
                try {
                    if (exchanges.remainingCapacity() < minRoom()) {
                        wantClaim.set(true);
                    } else {
                        claimAndQueue();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Claiming deliveries failed; the next poll retries: {}", e.getMessage());
                }
            });
        }
    }

    private int minRoom() {
        return Math.max(1, Math.min(props.getDelivery().getClaimBatch(), props.getDelivery().getQueueSize() / 4));
    }

    /** Claims what the queue can take now and hands it to the workers. */
    public synchronized int claimAndQueue() {
        int room = Math.min(exchanges.remainingCapacity(), props.getDelivery().getClaimBatch());
        if (room <= 0) {
            wantClaim.set(true);
            return 0;
        }
        wantClaim.set(false);
        // cleared before the query: an ingest that leaves deliveries behind from now on sets it again
        backlog.set(false);
        List<Long> ids;
        try {
            ids = store.claim(room, flow.pausedChannels());
        } catch (RuntimeException e) {
            backlog.set(true);
            throw e;
        }
        if (ids.size() >= room) {
            backlog.set(true); // a full batch: more may wait
        }
        long now = System.nanoTime();
        long leaseNanos = TimeUnit.SECONDS.toNanos(props.getDelivery().getLeaseSeconds());
        Map<Long, StoredDelivery> rows = loadRows(ids);
        int queued = 0;
        for (Long id : ids) {
            Long since = inFlight.get(id);
            if (since != null && now - since < 2 * leaseNanos) {
                continue; // already waiting here; the claim just renewed its lease
            }
            if (queue(new QueuedDelivery(id, now, null, rows.get(id)))) {
                queued++;
            }
        }
        return queued;
    }

    /** The claimed rows in one read, instead of one read per worker; on failure each worker reads its own. */
    private Map<Long, StoredDelivery> loadRows(List<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try {
            return store.loadClaimed(ids);
        } catch (RuntimeException e) {
            LOG.debug("Could not read the claimed deliveries together; each worker reads its own: {}", e.getMessage());
            return Map.of();
        }
    }

    private boolean queue(QueuedDelivery d) {
        inFlight.put(d.id(), d.queuedNanos());
        try {
            producer.sendBody(ENDPOINT, d);
            return true;
        } catch (RuntimeException full) {
            inFlight.remove(d.id());
            backlog.set(true);
            try {
                store.release(d.id());
            } catch (RuntimeException e) {
                // the claim then runs out after lease-seconds and the delivery is claimed again
                LOG.warn("Could not give back the claim of delivery {}: {}", d.id(), e.getMessage());
            }
            return false;
        }
    }

    /**
     * After an ingest commit: deliveries already claimed by the store go straight to the workers; a claim
     * pass runs only for those that wait behind an earlier delivery of their fingerprint or did not fit.
     * Never throws: the alerts are committed, and their 202 must not become an error.
     */
    public void handOff(List<AlertStore.Accepted> accepted) {
        boolean claimPass = false;
        for (AlertStore.Accepted a : accepted) {
            if (a.overflow()) {
                backlog.set(true);
                claimPass = true;
            }
            if (!a.waiting().isEmpty()) {
                if (waitingKeys.size() > MAX_WAITING_KEYS) {
                    // keys of deliveries that another instance sent are never removed here; forgetting
                    // them all costs at most a poll interval for the ones still waiting
                    waitingKeys.clear();
                }
                waitingKeys.addAll(a.waiting());
                claimPass = true;
            }
            long now = System.nanoTime();
            for (AlertStore.FreshDelivery d : a.claimed()) {
                claimPass |= !queue(new QueuedDelivery(d.id(), now, d, null));
            }
        }
        if (claimPass) {
            try {
                wake();
            } catch (RuntimeException e) {
                LOG.warn("Could not start a claim pass; the next poll claims: {}", e.getMessage());
            }
        }
    }

    /** End of every delivery (sent, dead, deferred or interrupted): it may be queued again. */
    public void finished(Exchange exchange) {
        Long id = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        if (id != null) {
            inFlight.remove(id);
        }
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        if (id == null || ctx == null) {
            wake();
        } else {
            // a delivery from a claim pass may have successors this instance never saw (accepted by another
            // instance, or before a restart); a fresh one's successors were accepted here
            boolean fresh = exchange.getProperty(Deliveries.FRESH, false, Boolean.class);
            completed(id, ctx.channel().id(), ctx.alert().fingerprint(), !fresh);
        }
    }

    /**
     * A delivery's outcome is committed: a delivery of the same fingerprint waiting behind it may go now,
     * and older work left in the database may fit into the queue. Rows that wait for a time (rate limit,
     * breaker) are picked up by the claim-deliveries poll.
     */
    private void completed(long id, String channelId, String fingerprint, boolean alwaysAsk) {
        String key = key(channelId, fingerprint);
        // removed before asking: a delivery stored behind it meanwhile adds the key again, and is seen
        if (waitingKeys.remove(key) || alwaysAsk) {
            try {
                if (store.hasSuccessor(id, channelId, fingerprint)) {
                    waitingKeys.add(key);
                    wake();
                }
            } catch (RuntimeException e) {
                waitingKeys.add(key);
                wake();
            }
        }
        if ((backlog.get() || wantClaim.get()) && exchanges.remainingCapacity() >= minRoom()) {
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
