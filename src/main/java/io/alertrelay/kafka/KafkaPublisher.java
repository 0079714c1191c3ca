package io.alertrelay.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
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
    private final ObjectMapper json;
    private final String endpoint;
    private final long timeoutMs;

    public KafkaPublisher(@Lazy ProducerTemplate producer, ObjectMapper json,
                          @Value("${alert-relay.kafka.topic}") String topic,
                          @Value("${alert-relay.kafka.publish-timeout-ms:10000}") long timeoutMs) {
        this.producer = producer;
        this.json = json;
        this.endpoint = "kafka:" + topic + "?requestRequiredAcks=all";
        this.timeoutMs = timeoutMs;
    }

    /** Publishes the alerts and returns the ids under which they will be stored. */
    public List<String> publish(List<Alert> alerts) throws Exception {
        List<String> ids = new ArrayList<>(alerts.size());
        List<CompletableFuture<Object>> acks = new ArrayList<>(alerts.size());
        for (Alert a : alerts) {
            // the id travels with the record, so a retried POST or a re-read record stays one alert
            String id = a.clientId() != null ? a.clientId() : UUID.randomUUID().toString();
            ids.add(id);
            acks.add(producer.asyncRequestBodyAndHeader(endpoint, json.writeValueAsString(toInput(a, id)),
                    KafkaConstants.KEY, a.fingerprint()));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not acknowledge the alerts: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the alerts within " + timeoutMs + " ms", e);
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
