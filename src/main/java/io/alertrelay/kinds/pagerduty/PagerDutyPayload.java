package io.alertrelay.kinds.pagerduty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.store.ExternalRefStore.ExternalRef;
import io.alertrelay.store.ExternalRefStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.text.LineBreakRendering;
import org.commonmark.renderer.text.TextContentRenderer;
import org.springframework.stereotype.Component;

/**
 * Kind "pagerduty": PagerDuty Events API v2. firing triggers, acknowledged acknowledges and resolved
 * resolves, all on one dedup key per fingerprint, so one problem is one PagerDuty alert.
 */
@Component("pagerdutyPayload")
public class PagerDutyPayload implements PayloadBuilder {

    public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    /** PagerDuty's limit is "512 KB"; 512,000 bytes stays inside it whichever kilobyte they mean. */
    public static final int MAX_EVENT_BYTES = 512_000;
    public static final int MAX_SUMMARY = 1024;
    public static final int MAX_DEDUP_KEY = 255;

    /** Printable ASCII without surrounding blanks: sent as is; anything else is hashed. */
    private static final Pattern SAFE_KEY = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]{0,253}[\\x21-\\x7E])?");
    private static final Parser MARKDOWN = Parser.builder().build();
    private static final TextContentRenderer TEXT = TextContentRenderer.builder()
            .lineBreakRendering(LineBreakRendering.SEPARATE_BLOCKS).build();

    private static final KindSpec SPEC = new KindSpec("pagerduty", "PagerDuty Events API v2: trigger, acknowledge, resolve", List.of(
            new Param("routing-key", Type.STRING, true, null, true, List.of(),
                    "the 32-character Integration Key of an Events API v2 integration").length(32, 32),
            Param.oneOf("default-severity", "warning", List.of("critical", "error", "warning", "info"),
                    "PagerDuty severity for an alert whose severity has no mapping"),
            Param.optional("source", Type.STRING, null, "payload.source; default: the alert's source, else alert-relay"),
            Param.optional("component", Type.STRING, null, "payload.component, e.g. mysql"),
            Param.optional("group", Type.STRING, null, "payload.group, e.g. app-stack"),
            Param.optional("class", Type.STRING, null, "payload.class, e.g. cpu load"),
            Param.optional("include-link", Type.BOOLEAN, true, "attach the alert's url as a link"),
            Param.optional("events-url", Type.URL, EVENTS_URL, "Events API endpoint (EU accounts: events.eu.pagerduty.com)")));

    private final ObjectMapper json;
    private final ExternalRefStore refs;

    public PagerDutyPayload(ObjectMapper json, ExternalRefStore refs) {
        this.json = json;
        this.refs = refs;
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    @Override
    public OutboundRequest build(DeliveryContext d) {
        Channel c = d.channel();
        Alert a = d.alert();
        // a key stored by an earlier event wins, so a fingerprint stays on the incident it opened
        String dedupKey = refs.find(c.id(), a.fingerprint()).map(ExternalRef::ref).orElseGet(() -> dedupKey(a.fingerprint()));
        String action = action(a.status());
        ObjectNode event;
        if (action.equals("trigger")) {
            event = fittedTrigger(d, dedupKey);
        } else {
            // acknowledge and resolve take nothing but the key; PagerDuty ignores anything else
            event = head(c, action, dedupKey);
        }
        return OutboundRequest.json("POST", c.string("events-url"), write(event))
                .withHeader("Accept", "application/json");
    }

    /** After a 2xx: the dedup key PagerDuty confirmed (else the one sent) and where the incident stands. */
    public void accepted(Exchange exchange) {
        DeliveryContext d = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        OutboundRequest sent = exchange.getProperty("outboundRequest", OutboundRequest.class);
        String key = textField(exchange.getMessage().getBody(String.class), "dedup_key");
        if (key == null || key.isBlank()) {
            key = textField(sent.body(), "dedup_key");
        }
        refs.save(new ExternalRef(d.channel().id(), d.alert().fingerprint(), key, state(d.alert().status()), null));
    }

    /** PagerDuty's 400 says what is wrong in errors[]; its message alone ("Event object is invalid") does not. */
    @Override
    public String describeError(VendorAnswer answer) {
        JsonNode n = answer.object();
        if (n == null) {
            return null;
        }
        List<String> errors = new ArrayList<>();
        n.path("errors").forEach(e -> errors.add(e.isTextual() ? e.textValue() : e.toString()));
        String message = n.path("message").isTextual() ? n.path("message").textValue() : null;
        if (errors.isEmpty()) {
            return message;
        }
        return (message == null ? "" : message + ": ") + String.join("; ", errors);
    }

    /** The fingerprint itself when PagerDuty can take it as is, else a stable hash of it. */
    public static String dedupKey(String fingerprint) {
        String fp = fingerprint == null ? "" : fingerprint;
        if (fp.length() <= MAX_DEDUP_KEY && SAFE_KEY.matcher(fp).matches()) {
            return fp;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(fp.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String action(String status) {
        return switch (status == null ? "firing" : status) {
            case "acknowledged" -> "acknowledge";
            case "resolved" -> "resolve";
            default -> "trigger";
        };
    }

    static String state(String status) {
        return switch (action(status)) {
            case "acknowledge" -> "acknowledged";
            case "resolve" -> "resolved";
            default -> "triggered";
        };
    }

    /** The design's mapping; default-severity only for a severity outside it. */
    public static String severity(String alertSeverity, String fallback) {
        return switch (alertSeverity == null ? "" : alertSeverity.toLowerCase(Locale.ROOT)) {
            case "critical" -> "critical";
            case "high" -> "error";
            case "medium" -> "warning";
            case "low", "info" -> "info";
            default -> fallback;
        };
    }

    private ObjectNode head(Channel c, String action, String dedupKey) {
        ObjectNode event = json.createObjectNode();
        event.put("routing_key", c.string("routing-key"));
        event.put("event_action", action);
        event.put("dedup_key", dedupKey);
        return event;
    }

    /**
     * A trigger within PagerDuty's size limit: the message gives way first, then the details (sent as
     * cut JSON text); the summary, severity and links always survive.
     */
    private ObjectNode fittedTrigger(DeliveryContext d, String dedupKey) {
        Alert a = d.alert();
        String message = plainText(d.body());
        ObjectNode event = fit(message, m -> trigger(d, dedupKey, a.details(), m));
        if (event == null && a.details() != null) {
            event = fit(a.details().toString(), t -> trigger(d, dedupKey, t == null ? null : TextNode.valueOf(t), null));
        }
        if (event == null) {
            throw new NonRetryableDeliveryException("payload_too_large",
                    "the PagerDuty event exceeds " + MAX_EVENT_BYTES + " bytes even without message and details");
        }
        return event;
    }

    private ObjectNode trigger(DeliveryContext d, String dedupKey, JsonNode details, String message) {
        Channel c = d.channel();
        Alert a = d.alert();
        ObjectNode event = head(c, "trigger", dedupKey);
        ObjectNode payload = event.putObject("payload");
        String summary = Limits.oneLine(d.title(), MAX_SUMMARY);
        payload.put("summary", summary == null || summary.isEmpty() ? Limits.oneLine(a.title(), MAX_SUMMARY) : summary);
        payload.put("source", c.string("source") != null ? c.string("source")
                : a.source() != null && !a.source().isBlank() ? a.source() : "alert-relay");
        payload.put("severity", severity(a.severity(), c.string("default-severity")));
        if (a.occurredAt() != null) {
            payload.put("timestamp", a.occurredAt().toString());
        }
        for (String field : new String[] {"component", "group", "class"}) {
            if (c.string(field) != null) {
                payload.put(field, c.string(field));
            }
        }
        payload.set("custom_details", customDetails(a, details, message));
        if (c.bool("include-link") && a.url() != null) {
            ArrayNode links = event.putArray("links");
            links.addObject().put("href", a.url()).put("text", "View alert");
        }
        event.put("client", "alert-relay");
        return event;
    }

    /** Labels, then the alert's details (which win on a name clash), then the rendered message. */
    private ObjectNode customDetails(Alert a, JsonNode details, String message) {
        ObjectNode cd = json.createObjectNode();
        if (a.labels() != null) {
            a.labels().forEach(cd::put);
        }
        if (details instanceof ObjectNode o) {
            cd.setAll(o);
        } else if (details != null && !details.isNull()) {
            cd.set("details", details);
        }
        // a client's own details.message is kept: it chose that name
        if (message != null && !message.isBlank() && !cd.has("message")) {
            cd.put("message", message);
        }
        return cd;
    }

    /**
     * The event built with a cut of text that fits the limit, or null when it does not fit even without
     * the text. The first cut assumes the text costs the same bytes per character throughout; each
     * further round removes at least as many characters as there are bytes too many (a character costs
     * at least one byte), so it ends after a round or two.
     */
    private ObjectNode fit(String text, Function<String, ObjectNode> build) {
        ObjectNode event = build.apply(text);
        long full = size(event);
        if (full <= MAX_EVENT_BYTES || text == null) {
            return full <= MAX_EVENT_BYTES ? event : null;
        }
        long base = size(build.apply(null));
        if (base > MAX_EVENT_BYTES) {
            return null;
        }
        int max = (int) (text.length() * (double) (MAX_EVENT_BYTES - base) / (full - base));
        while (max > 0) {
            event = build.apply(Limits.cut(text, max));
            long over = size(event) - MAX_EVENT_BYTES;
            if (over <= 0) {
                return event;
            }
            // slack for the marker, whose bytes outnumber its characters
            max = (int) Math.max(0, max - over - 8);
        }
        return build.apply(null);
    }

    /** PagerDuty shows custom details as plain text, so the Markdown body is rendered to text. */
    private static String plainText(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return null;
        }
        return TEXT.render(MARKDOWN.parse(markdown)).strip();
    }

    private long size(ObjectNode event) {
        return write(event).getBytes(StandardCharsets.UTF_8).length;
    }

    private String write(ObjectNode event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise PagerDuty event", e);
        }
    }

    private String textField(String body, String field) {
        JsonNode n = readOrNull(body);
        return n != null && n.path(field).isTextual() ? n.path(field).textValue() : null;
    }

    private JsonNode readOrNull(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
