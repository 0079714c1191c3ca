package io.alertrelay.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.AlertParser;
import io.alertrelay.alert.InvalidAlertException;
import io.alertrelay.delivery.DeliveryQueue;
import io.alertrelay.store.AlertStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * The Java behind the ingest-kafka route. A record carries the same JSON as POST /alerts. Its offset
 * is committed only after its alerts and deliveries are committed to the database; a malformed record
 * goes to the dead-letter topic with the reason in a header, so it never blocks its partition.
 */
@Component("kafkaIngest")
public class KafkaIngest {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngest.class);
    public static final String REASON_HEADER = "alert-relay-error";

    private final AlertParser parser;
    private final AlertStore store;
    private final DeliveryQueue queue;
    private final ProducerTemplate producer;
    private final RelayProperties props;
    private final String deadLetterTopic;
    private final AtomicLong deadLettered = new AtomicLong();

    public KafkaIngest(AlertParser parser, AlertStore store, DeliveryQueue queue, @Lazy ProducerTemplate producer,
                       RelayProperties props, @Value("${alert-relay.kafka.dead-letter-topic}") String deadLetterTopic) {
        this.parser = parser;
        this.store = store;
        this.queue = queue;
        this.producer = producer;
        this.props = props;
        this.deadLetterTopic = deadLetterTopic;
    }

    public void consume(Exchange exchange) {
        var msg = exchange.getMessage();
        String topic = msg.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = msg.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = msg.getHeader(KafkaConstants.OFFSET, Long.class);
        byte[] body = msg.getBody(byte[].class);
        List<Alert> alerts;
        try {
            if (body != null && body.length > props.getIngest().getMaxBodyBytes()) {
                throw new InvalidAlertException(413, "payload_too_large", "record exceeds "
                        + props.getIngest().getMaxBodyBytes() + " bytes", List.of());
            }
            JsonNode root = parser.readTree(body);
            alerts = parser.parseAlerts(root, props.getIngest().getMaxBatch());
        } catch (InvalidAlertException e) {
            deadLetter(exchange, body, e.getMessage(), topic, partition, offset);
            commit(exchange);
            return;
        }
        // a record read again after a rebalance maps to the same ids, so it makes no second alert
        String origin = "kafka:" + topic + ":" + partition + ":" + offset;
        List<Alert> keyed = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            keyed.add(a.clientId() != null ? a : a.withClientId(alerts.size() == 1 ? origin : origin + ":" + i));
        }
        List<AlertStore.Accepted> accepted = List.of();
        try {
            accepted = store.store(keyed);
        } catch (DataIntegrityViolationException refused) {
            // the database will refuse this record every time (a constraint, a value it cannot hold);
            // reading it again would block the partition for good
            deadLetter(exchange, body, "refused by the database: " + refused.getMostSpecificCause().getMessage(),
                    topic, partition, offset);
        }
        commit(exchange);
        queue.handOff(accepted);
    }

    private void deadLetter(Exchange exchange, byte[] body, String reason, String topic, Integer partition, Long offset) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(REASON_HEADER, reason);
        headers.put("alert-relay-source", topic + ":" + partition + ":" + offset);
        Object key = exchange.getMessage().getHeader(KafkaConstants.KEY);
        if (key != null) {
            headers.put(KafkaConstants.KEY, key);
        }
        producer.sendBodyAndHeaders("kafka:" + deadLetterTopic, body == null ? new byte[0] : body, headers);
        long n = deadLettered.incrementAndGet();
        LOG.warn("Kafka record {}:{}:{} sent to {}: {} ({} so far)", topic, partition, offset, deadLetterTopic, reason, n);
    }

    private static void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    /** Records sent to the dead-letter topic since startup. */
    public long deadLettered() {
        return deadLettered.get();
    }

}
