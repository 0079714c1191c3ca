package io.alertrelay.kinds.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.VendorAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Kind "teams": an Adaptive Card posted to a Teams channel through a Workflows webhook ("Post to a
 * channel when a webhook request is received") or a legacy Office 365 connector URL.
 */
@Component("teamsPayload")
public class TeamsPayload implements PayloadBuilder {

    /** Teams refuses messages over 28 KB; stay under it however "KB" is counted. */
    static final int MAX_BYTES = 28_000;
    static final int TITLE_MAX = 1024;
    static final String CARD_VERSION = "1.4";
    static final List<String> STYLES = List.of("default", "emphasis", "good", "attention", "warning", "accent");

    private static final Pattern NAMED = Pattern.compile("^\\s*(.*?)\\s*<\\s*([^<>\\s]+@[^<>\\s]+)\\s*>\\s*$");
    private static final Pattern EMAIL = Pattern.compile("^\\s*([^<>\\s]+@[^<>\\s]+)\\s*$");

    private static final KindSpec SPEC = new KindSpec("teams", "an Adaptive Card through a Teams Workflows webhook", List.of(
            new Param("webhook-url", Type.URL, true, null, true, List.of(), "the Workflows (or legacy connector) webhook URL (a secret)"),
            Param.optional("mention-users", Type.LIST, null, "people to @mention: \"Name <email>\" or an e-mail address (their Teams sign-in)"),
            new Param("theme-color", Type.ENUM, false, null, false, STYLES,
                    "container style of the card header instead of the severity colour"),
            Param.optional("channel-name", Type.STRING, null, "the Teams channel the webhook posts to, for operators; not sent")));

    /** One person to @mention: the text shown inside &lt;at&gt; and their Teams id (UPN, i.e. e-mail). */
    public record Mention(String name, String email) {
        String tag() {
            return "<at>" + name + "</at>";
        }
    }

    private final ObjectMapper json;

    public TeamsPayload(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    @Override
    public OutboundRequest build(DeliveryContext d) {
        String body = d.body();
        // a body longer than the byte limit can never fit; beyond that, shrink until the payload does
        int keep = Math.min(body == null ? 0 : body.length(), MAX_BYTES);
        for (int tries = 0; ; tries++) {
            String text = Limits.cut(body, keep);
            String payload = serialize(message(d, text));
            int size = payload.getBytes(StandardCharsets.UTF_8).length;
            if (size <= MAX_BYTES || keep == 0 || tries == 30) {
                return OutboundRequest.json("POST", d.channel().string("webhook-url"), payload);
            }
            keep = Math.max(0, keep - (size - MAX_BYTES) - 64);
        }
    }

    private ObjectNode message(DeliveryContext d, String markdown) {
        Channel c = d.channel();
        Alert a = d.alert();
        ObjectNode root = json.createObjectNode();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.set("contentUrl", NullNode.getInstance());
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", CARD_VERSION);
        ArrayNode body = card.putArray("body");

        ObjectNode header = body.addObject().put("type", "Container")
                .put("style", c.string("theme-color") != null ? c.string("theme-color") : style(a)).put("bleed", true);
        header.putArray("items").addObject().put("type", "TextBlock").put("text", Limits.oneLine(d.title(), TITLE_MAX))
                .put("weight", "Bolder").put("size", "Large").put("wrap", true);

        TeamsMarkdown.appendBlocks(markdown, body);

        ArrayNode facts = json.createArrayNode();
        fact(facts, "Project", a.project());
        fact(facts, "Severity", a.severityLevel().wire().toUpperCase(Locale.ROOT));
        fact(facts, "Status", a.status());
        fact(facts, "Source", a.source());
        fact(facts, "First seen", time(a.firstSeen()));
        fact(facts, "Last seen", time(a.lastSeen()));
        fact(facts, "Count", a.eventCount() == null ? null : a.eventCount().toString());
        body.addObject().put("type", "FactSet").set("facts", facts);

        List<Mention> mentions = mentions(c.list("mention-users"));
        ObjectNode msteams = card.putObject("msteams").put("width", "Full");
        if (!mentions.isEmpty()) {
            body.addObject().put("type", "TextBlock").put("wrap", true)
                    .put("text", String.join(" ", mentions.stream().map(Mention::tag).toList()));
            ArrayNode entities = msteams.putArray("entities");
            for (Mention m : mentions) {
                ObjectNode e = entities.addObject().put("type", "mention").put("text", m.tag());
                e.putObject("mentioned").put("id", m.email()).put("name", m.name());
            }
        }
        if (a.url() != null) {
            card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "View alert").put("url", a.url());
        }
        return root;
    }

    /**
     * Severity to container style: critical and high "attention" (red), medium "warning" (amber), low
     * "accent" (blue), info "default"; a resolved alert is "good" (green) whatever its severity.
     */
    static String style(Alert a) {
        if ("resolved".equals(a.status())) {
            return "good";
        }
        return switch (a.severityLevel()) {
            case CRITICAL, HIGH -> "attention";
            case MEDIUM -> "warning";
            case LOW -> "accent";
            case INFO -> "default";
        };
    }

    private static void fact(ArrayNode facts, String title, String value) {
        if (value != null && !value.isBlank()) {
            facts.addObject().put("title", title).put("value", Limits.oneLine(value, 1024));
        }
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    /** "Name &lt;email&gt;" or a bare e-mail address (then shown by its address); anything else is skipped. */
    public static List<Mention> mentions(List<String> entries) {
        List<Mention> out = new ArrayList<>();
        for (String entry : entries) {
            Matcher named = NAMED.matcher(entry);
            if (named.matches()) {
                String name = named.group(1).replaceAll("[<>]", "").strip();
                out.add(new Mention(name.isEmpty() ? named.group(2) : name, named.group(2)));
                continue;
            }
            Matcher bare = EMAIL.matcher(entry);
            if (bare.matches()) {
                out.add(new Mention(bare.group(1), bare.group(1)));
            }
        }
        return out;
    }

    private String serialize(ObjectNode root) {
        try {
            return json.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise Teams card", e);
        }
    }

    /**
     * Runs after send-http. Legacy connectors answer 200 "1", Workflows 202 with no body; a connector
     * that failed downstream still answers 200, with the error as text ("Microsoft Teams endpoint
     * returned HTTP error 413 …"). Sending the same card again would fail the same way.
     */
    public void checkResponse(Exchange exchange) {
        String answer = exchange.getMessage().getBody(String.class);
        if (answer == null) {
            return;
        }
        String text = answer.strip();
        if (text.isEmpty() || text.equals("1")) {
            return;
        }
        if (text.toLowerCase(Locale.ROOT).contains("error")) {
            throw new NonRetryableDeliveryException("client_error", "Teams accepted the request but reported an error: "
                    + Limits.oneLine(text, 1000));
        }
    }

    /**
     * Workflows errors are JSON ({"error":{"code":…,"message":…}}); connector errors plain text such as
     * "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413".
     */
    @Override
    public String describeError(VendorAnswer answer) {
        String text = answer.text().strip();
        if (text.isEmpty()) {
            return answer.status() == 413 ? "the card is larger than Teams accepts (28 KB)" : null;
        }
        if (answer.object() != null) {
            JsonNode error = answer.object().path("error");
            if (error.isObject()) {
                String code = error.path("code").asText("");
                return (code.isEmpty() ? "" : code + ": ") + error.path("message").asText("");
            }
            return error.isTextual() ? error.asText() : null;
        }
        return "Teams: " + Limits.oneLine(text, 300);
    }
}
