package io.alertrelay.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * HTTP ingest in kafka mode: validated alerts go to the topic instead of the database, keyed by
 * fingerprint so one fingerprint's events stay on one partition, in order. Returns once the broker
 * has acknowledged every record (acks=all); the ingest-kafka route of some instance stores them.
 */
@Component
public class KafkaPublisher {

    private final ProducerTemplate producer;
    private final CamelContext camel;
    private final ObjectMapper json;
    private final String endpoint;

    public KafkaPublisher(@Lazy ProducerTemplate producer, @Lazy CamelContext camel, ObjectMapper json,
                          @Value("${alert-relay.kafka.topic}") String topic,
                          @Value("${alert-relay.kafka.publish-timeout-ms:10000}") long timeoutMs) {
        this.producer = producer;
        this.camel = camel;
        this.json = json;
        this.endpoint = "kafka:" + topic + "?requestRequiredAcks=all&deliveryTimeoutMs=" + Math.max(timeoutMs, 1000)
                + "&requestTimeoutMs=" + Math.min(timeoutMs, 30000);
    }

    /** Publishes the alerts and returns the ids under which they will be stored. */
    public List<String> publish(List<Alert> alerts) throws Exception {
        List<String> ids = new ArrayList<>(alerts.size());
        List<Message> records = new ArrayList<>(alerts.size());
        for (Alert a : alerts) {
            // the id travels with the record, so a retried POST or a re-read record stays one alert
            String id = a.clientId() != null ? a.clientId() : UUID.randomUUID().toString();
            ids.add(id);
            Message record = new DefaultMessage(camel);
            record.setHeader(KafkaConstants.KEY, a.fingerprint());
            record.setBody(json.writeValueAsString(toInput(a, id)));
            records.add(record);
        }
        // one exchange with every record: camel-kafka sends them in this order from one thread (so one
        // fingerprint's events stay in order on their partition) and returns when all are acknowledged
        Exchange sent = producer.send(endpoint, exchange -> exchange.getIn().setBody(records));
        if (sent.getException() != null) {
            throw new IllegalStateException("Kafka did not acknowledge the alerts: " + sent.getException().getMessage(),
                    sent.getException());
        }
        return ids;
    }

    /** The alert in the POST /alerts format, so the consumer validates it exactly like HTTP input. */
    private ObjectNode toInput(Alert a, String id) {
        ObjectNode n = json.createObjectNode();
        n.put("id", id);
        n.put("title", a.title());
        putIfSet(n, "message", a.message());
        n.put("severity", a.severity());
        n.put("status", a.status());
        n.put("reason", a.reason());
        putIfSet(n, "type", a.type());
        n.put("fingerprint", a.fingerprint());
        putIfSet(n, "source", a.source());
        putIfSet(n, "project", a.project());
        putIfSet(n, "url", a.url());
        if (a.occurredAt() != null) {
            n.put("occurredAt", a.occurredAt().toString());
        }
        if (a.firstSeen() != null) {
            n.put("firstSeen", a.firstSeen().toString());
        }
        if (a.lastSeen() != null) {
            n.put("lastSeen", a.lastSeen().toString());
        }
        if (a.eventCount() != null) {
            n.put("eventCount", a.eventCount());
        }
        if (a.labels() != null && !a.labels().isEmpty()) {
            n.set("labels", json.valueToTree(a.labels()));
        }
        if (a.details() != null) {
            n.set("details", a.details());
        }
        return n;
    }

    private static void putIfSet(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
