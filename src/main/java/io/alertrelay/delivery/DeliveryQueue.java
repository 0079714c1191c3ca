package io.alertrelay.delivery;

import io.alertrelay.RelayProperties;
import io.alertrelay.store.DeliveryStore;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The bounded in-memory hand-off between claimed delivery rows and the workers of the deliver route.
 * Whatever does not fit stays in the database and is claimed by a later poll, so memory is bounded
 * and nothing is dropped.
 */
@Component("deliveryQueue")
public class DeliveryQueue {

    static final String ENDPOINT = "seda:deliver?queue=#deliveryExchanges";

    private final BlockingQueue<Exchange> exchanges;
    private final DeliveryStore store;
    private final ProducerTemplate producer;
    private final RelayProperties props;

    public DeliveryQueue(@Lazy BlockingQueue<Exchange> deliveryExchanges, DeliveryStore store,
                         @Lazy ProducerTemplate producer, RelayProperties props) {
        this.exchanges = deliveryExchanges;
        this.store = store;
        this.producer = producer;
        this.props = props;
    }

    /** Hands claimed deliveries to the workers; those that do not fit are released for the next poll. */
    public void offer(List<Long> ids) {
        for (Long id : ids) {
            boolean queued = exchanges.remainingCapacity() > 0;
            if (queued) {
                try {
                    producer.sendBody(ENDPOINT, id);
                } catch (RuntimeException full) {
                    queued = false;
                }
            }
            if (!queued) {
                store.release(id);
            }
        }
    }

    /** Called by the claim-deliveries route: claims only what the queue can take now. */
    public List<Long> claim() {
        int room = Math.min(exchanges.remainingCapacity(), props.getDelivery().getClaimBatch());
        return store.claim(room);
    }

    @Configuration
    static class Queues {
        @Bean
        BlockingQueue<Exchange> deliveryExchanges(RelayProperties props) {
            return new LinkedBlockingQueue<>(props.getDelivery().getQueueSize());
        }
    }
}
