package io.alertrelay.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.AlertParser;
import io.alertrelay.alert.AlertmanagerMapper;
import io.alertrelay.alert.FieldError;
import io.alertrelay.alert.InvalidAlertException;
import io.alertrelay.delivery.DeliveryQueue;
import io.alertrelay.delivery.Limits;
import io.alertrelay.kafka.KafkaPublisher;
import io.alertrelay.observability.FatalErrors;
import io.alertrelay.store.AlertStore;
import io.alertrelay.web.GuardedBody;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Java behind the ingest routes: checks the request, stores the alerts with their deliveries, and
 * answers 202 only after the commit. Every refusal is a 4xx JSON body naming the field at fault.
 */
@Component("ingest")
public class IngestEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(IngestEndpoint.class);

    private final AlertParser parser;
    private final AlertmanagerMapper alertmanager;
    private final AlertStore store;
    private final DeliveryQueue queue;
    private final ObjectMapper json;
    private final RelayProperties props;
    private final ObjectProvider<KafkaPublisher> kafka;
    private final boolean kafkaMode;
    private final FatalErrors fatal;

    public IngestEndpoint(AlertParser parser, AlertmanagerMapper alertmanager, AlertStore store, DeliveryQueue queue,
                          ObjectMapper json, RelayProperties props, ObjectProvider<KafkaPublisher> kafka,
                          FatalErrors fatal, @Value("${alert-relay.ingest.mode:database}") String mode) {
        this.fatal = fatal;
        this.parser = parser;
        this.alertmanager = alertmanager;
        this.store = store;
        this.queue = queue;
        this.json = json;
        this.props = props;
        this.kafka = kafka;
        if (!mode.equals("database") && !mode.equals("kafka")) {
            throw new IllegalStateException("alert-relay.ingest.mode must be database or kafka, got \"" + mode + "\"");
        }
        this.kafkaMode = mode.equals("kafka");
    }

    /** POST /alerts: one alert or an array of them. */
    public void alerts(Exchange exchange) throws Exception {
        handle(exchange, root -> withIdempotencyKey(parser.parseAlerts(root, props.getIngest().getMaxBatch()), exchange));
    }

    /** POST /alerts/alertmanager: Prometheus Alertmanager's webhook payload, version 4. */
    public void alertmanager(Exchange exchange) throws Exception {
        handle(exchange, alertmanager::map);
    }

    /** The request's headers were checked by {@link IngestGate}, which also holds its concurrency permit. */
    private void handle(Exchange exchange, Function<JsonNode, List<Alert>> toAlerts) throws Exception {
        Message msg = exchange.getMessage();
        try {
            byte[] body = readBody(msg);
            List<Alert> alerts = toAlerts.apply(parser.readTree(body));
            if (kafkaMode) {
                respond(exchange, 202, queued(kafka.getObject().publish(alerts)));
                return;
            }
            List<AlertStore.Accepted> accepted = store.store(alerts);
            queue.handOff(accepted);
            respond(exchange, 202, accepted(accepted));
        } catch (InvalidAlertException e) {
            respond(exchange, e.status(), problem(e.code(), e.getMessage(), e.errors()));
        }
    }

    /** An Idempotency-Key header names a single alert the way its "id" field would. */
    private List<Alert> withIdempotencyKey(List<Alert> alerts, Exchange exchange) {
        String key = exchange.getMessage().getHeader("Idempotency-Key", String.class);
        if (key == null || key.isBlank()) {
            return alerts;
        }
        if (alerts.size() != 1) {
            throw InvalidAlertException.of(List.of(new FieldError("Idempotency-Key",
                    "applies to a single alert; give each alert of an array its own \"id\"")));
        }
        if (key.length() > 128) {
            throw InvalidAlertException.of(List.of(new FieldError("Idempotency-Key", "must be at most 128 characters")));
        }
        Alert a = alerts.get(0);
        if (a.clientId() != null && !a.clientId().equals(key)) {
            throw InvalidAlertException.of(List.of(new FieldError("Idempotency-Key", "differs from the alert's \"id\"")));
        }
        return List.of(a.withClientId(key));
    }

    /**
     * Reads at most the limit plus one byte, so an oversized body is refused without buffering it all.
     * Over HTTP the stream is a {@link io.alertrelay.web.GuardedBody}, which also ends a body that takes
     * too long to arrive.
     */
    private byte[] readBody(Message msg) {
        int limit = props.getIngest().getMaxBodyBytes();
        Object body = msg.getBody();
        byte[] bytes;
        if (body instanceof InputStream in) {
            try {
                bytes = in.readNBytes(limit + 1);
            } catch (GuardedBody.TooLarge e) {
                throw tooLarge(limit);
            } catch (GuardedBody.TooSlow e) {
                throw new InvalidAlertException(408, "request_timeout",
                        "the request body did not arrive in time; nothing was accepted",
                        List.of(new FieldError("$", "request body too slow")));
            } catch (GuardedBody.NotGzip e) {
                throw new InvalidAlertException(400, "unreadable_body", e.getMessage(),
                        List.of(new FieldError("$", "not gzip")));
            } catch (IOException e) {
                // the connection broke mid-body, or the relay is stopping: a 4xx would make Alertmanager
                // drop the notification, so the sender is told to retry
                LOG.debug("Could not read an ingest request body", e);
                throw new InvalidAlertException(503, "unavailable",
                        "the request body could not be read (" + Limits.oneLine(String.valueOf(e.getMessage()), 200)
                                + "); nothing was accepted, please retry",
                        List.of(new FieldError("$", "body not read")));
            }
        } else {
            bytes = msg.getBody(byte[].class);
        }
        if (bytes != null && bytes.length > limit) {
            throw tooLarge(limit);
        }
        return bytes;
    }

    private static InvalidAlertException tooLarge(int limit) {
        return new InvalidAlertException(413, "payload_too_large", "request body exceeds " + limit + " bytes",
                List.of(new FieldError("$", "request body exceeds " + limit + " bytes")));
    }

    /** In kafka mode the ids are those the alerts will be stored under once consumed. */
    private ObjectNode queued(List<String> ids) {
        ObjectNode out = json.createObjectNode();
        out.put("accepted", ids.size());
        out.put("queued", "kafka");
        ArrayNode list = out.putArray("ids");
        ids.forEach(list::add);
        return out;
    }

    private ObjectNode accepted(List<AlertStore.Accepted> accepted) {
        ObjectNode out = json.createObjectNode();
        out.put("accepted", accepted.size());
        ArrayNode ids = out.putArray("ids");
        ArrayNode alerts = out.putArray("alerts");
        for (AlertStore.Accepted a : accepted) {
            ids.add(a.alertId());
            ObjectNode item = alerts.addObject();
            item.put("id", a.alertId());
            item.put("duplicate", a.duplicate());
            item.put("deliveries", a.deliveryIds().size());
        }
        return out;
    }

    private ObjectNode problem(String code, String message, List<FieldError> errors) {
        ObjectNode out = json.createObjectNode();
        out.put("error", code);
        out.put("message", message);
        ArrayNode list = out.putArray("errors");
        List<FieldError> shown = errors.size() > 100 ? new ArrayList<>(errors.subList(0, 100)) : errors;
        shown.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
        return out;
    }

    /** The ingest routes' onException: storage is down or something unforeseen; nothing was accepted. */
    public void failed(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        fatal.check(e);
        LOG.error("Could not accept alerts", e);
        respond(exchange, 503, problem("unavailable",
                "the relay could not store the alerts; nothing was accepted, please retry", List.of()));
    }

    private void respond(Exchange exchange, int status, ObjectNode body) {
        Message msg = exchange.getMessage();
        // request headers would otherwise be echoed back as response headers
        msg.removeHeaders("*");
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (status == 503) {
            msg.setHeader("Retry-After", "5");
        }
        try {
            msg.setBody(json.writeValueAsString(body));
        } catch (Exception e) {
            msg.setBody("{\"error\":\"internal\"}");
        }
    }
}
