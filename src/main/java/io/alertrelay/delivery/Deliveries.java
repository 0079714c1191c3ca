package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.store.DeliveryStore;
import io.alertrelay.store.InstanceId;
import io.alertrelay.store.StoredDelivery;
import io.alertrelay.RelayProperties;
import io.alertrelay.store.AlertStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Used by the deliver route to turn a claimed delivery id into the context its kind route needs. */
@Component("deliveries")
public class Deliveries {

    public static final String DELIVERY_ID = "deliveryId";
    public static final String CHANNEL_ID = "channelId";
    public static final String KIND = "kind";
    /** True when the channel's kind is built by its kind file alone, without a Java payload builder. */
    public static final String KIND_FILE = "kindFile";
    public static final String CONTEXT = "delivery";
    /** Claimed by the ingest transaction that stored it (not by a claim pass). */
    public static final String FRESH = "freshDelivery";
    public static final String ATTEMPT = "attempt";
    /** When the delivery was accepted (deliveries.created_at), for the accept-to-sent latency metric. */
    public static final String ACCEPTED_AT = "acceptedAt";
    static final String ATTEMPT_STARTED = "attemptStartedNanos";

    private final DeliveryStore store;
    private final InstanceId instance;
    private final ChannelRegistry channels;
    private final ObjectMapper json;
    private final long leaseNanos;

    public Deliveries(DeliveryStore store, ChannelRegistry channels, ObjectMapper json, InstanceId instance,
                      RelayProperties props) {
        this.store = store;
        this.leaseNanos = TimeUnit.SECONDS.toNanos(props.getDelivery().getLeaseSeconds());
        this.instance = instance;
        this.channels = channels;
        this.json = json;
    }

    /**
     * Loads the delivery into exchange properties (headers would leak to the vendor over HTTP). Leaves a
     * null body when the row is no longer ours to send, which the route filters out.
     */
    public void start(Exchange exchange) throws Exception {
        QueuedDelivery queued = exchange.getMessage().getBody(QueuedDelivery.class);
        long id = queued.id();
        exchange.setProperty(DELIVERY_ID, id);
        // a claim comes with a full lease; one that waited in the queue for a third of it is renewed (which
        // also proves it is still ours), so that another instance never takes it over during the send
        if (System.nanoTime() - queued.queuedNanos() > leaseNanos / 3 && !store.renew(id)) {
            exchange.getMessage().setBody(null);
            return;
        }
        AlertStore.FreshDelivery fresh = queued.fresh();
        if (fresh != null && fresh.alert() != null) {
            exchange.setProperty(FRESH, true);
            begin(exchange, id, fresh.channelId(), 0, fresh.createdAt(), fresh.alert());
            return;
        }
        StoredDelivery d = queued.claimed();
        if (d == null) {
            Optional<StoredDelivery> row = store.loadClaimed(id);
            if (row.isEmpty()) {
                exchange.getMessage().setBody(null);
                return;
            }
            d = row.get();
        }
        begin(exchange, id, d.channelId(), d.attempts(), d.createdAt(), json.readValue(d.alertJson(), Alert.class));
    }

    private void begin(Exchange exchange, long id, String channelId, int attempts, Instant acceptedAt, Alert alert) {
        exchange.setProperty(CHANNEL_ID, channelId);
        // the final updates only apply while the row is still ours
        exchange.setProperty("claimedBy", instance.id());
        exchange.setProperty("attempts", attempts);
        exchange.setProperty(ACCEPTED_AT, acceptedAt);
        Optional<Channel> channel = channels.find(channelId);
        exchange.setProperty(KIND, channel.map(Channel::kind).orElse("none"));
        // the dispatch choice sends these to their kind file's route deliver-<kind>
        exchange.setProperty(KIND_FILE, channel.map(c -> !channels.hasJavaBuilder(c.kind())).orElse(false));
        exchange.setProperty(CONTEXT, channel.map(c -> new DeliveryContext(id, c, alert)).orElse(null));
        exchange.getMessage().setBody(id);
    }

    /** First step of every kind route: each (re)try starts again from the alert as accepted. */
    public DeliveryContext context(Exchange exchange) {
        // counted here, not from Camel's redelivery header, because kind routes clear message headers
        int attempt = exchange.getProperty(ATTEMPT, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPT, attempt);
        exchange.setProperty(ATTEMPT_STARTED, System.nanoTime());
        if (attempt > 1 && !store.renew(exchange.getProperty(DELIVERY_ID, Long.class))) {
            throw new LeaseLostException(exchange.getProperty(DELIVERY_ID, Long.class));
        }
        DeliveryContext ctx = exchange.getProperty(CONTEXT, DeliveryContext.class);
        if (ctx == null) {
            throw new NonRetryableDeliveryException("config_error", "channel '" + exchange.getProperty(CHANNEL_ID)
                    + "' is no longer configured");
        }
        return ctx;
    }

    /**
     * After a successful dispatch: how long the successful attempt took (payload, request and answer),
     * for the channel's mean response time. Earlier failed tries and backoff waits are not counted.
     */
    public void succeeded(Exchange exchange) {
        Long started = exchange.getProperty(ATTEMPT_STARTED, Long.class);
        long ms = started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
        store.markSent(new DeliveryStore.Sent(exchange.getProperty(DELIVERY_ID, Long.class),
                exchange.getProperty(CHANNEL_ID, String.class), exchange.getProperty(ATTEMPT, 1, Integer.class), ms,
                exchange.getProperty("claimedBy", String.class), Instant.now()));
    }

    /** The otherwise branch of the dispatch choice. */
    public void noProducer(Exchange exchange) {
        context(exchange);
        throw new NonRetryableDeliveryException("no_producer", "no producer for kind " + exchange.getProperty(KIND));
    }
}
