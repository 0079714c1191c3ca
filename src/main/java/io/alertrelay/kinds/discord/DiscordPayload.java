package io.alertrelay.kinds.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Kind "discord": one embed through a Discord webhook. Discord's Markdown is close to CommonMark, so
 * the body goes in as written. Mentions are switched off ("allowed_mentions": {"parse": []}) so alert
 * text can never ping @everyone or a role. Sent with {@code ?wait=true}: without it Discord answers 204
 * before saving the message, and a message it then does not save is lost without an error.
 */
@Component("discordPayload")
public class DiscordPayload implements PayloadBuilder {

    // https://discord.com/developers/docs/resources/message#embed-object-embed-limits
    static final int TITLE_MAX = 256;
    static final int DESCRIPTION_MAX = 4096;
    static final int FIELD_NAME_MAX = 256;
    static final int FIELD_VALUE_MAX = 1024;
    static final int FIELDS_MAX = 25;
    /** All text of all embeds of a message together. */
    static final int EMBED_TOTAL_MAX = 6000;
    static final int USERNAME_MAX = 80;

    /** The failure type of a 2xx answer that does not confirm the message was kept. */
    public static final String UNCONFIRMED = "unconfirmed";

    private static final KindSpec SPEC = new KindSpec("discord", "an embed through a Discord webhook", List.of(
            new Param("webhook-url", Type.URL, true, null, true, List.of(), "the webhook URL (a secret)"),
            Param.optional("username", Type.STRING, null, "sender name override (at most 80 characters)"),
            Param.optional("avatar-url", Type.URL, null, "sender avatar image URL")));

    private final ObjectMapper json;

    public DiscordPayload(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    @Override
    public OutboundRequest build(DeliveryContext d) {
        Channel c = d.channel();
        Alert a = d.alert();
        ObjectNode root = json.createObjectNode();
        if (c.string("username") != null) {
            root.put("username", Limits.oneLine(c.string("username"), USERNAME_MAX));
        }
        if (c.string("avatar-url") != null) {
            root.put("avatar_url", c.string("avatar-url"));
        }
        root.putObject("allowed_mentions").putArray("parse");

        ObjectNode embed = root.putArray("embeds").addObject();
        String title = Limits.oneLine(d.title(), TITLE_MAX);
        embed.put("title", title);
        if (a.url() != null) {
            embed.put("url", a.url());
        }
        embed.put("color", color(a));

        int used = title.length();
        ArrayNode fields = json.createArrayNode();
        for (Map.Entry<String, String> f : fields(a).entrySet()) {
            if (fields.size() == FIELDS_MAX) {
                break;
            }
            String name = Limits.oneLine(f.getKey(), FIELD_NAME_MAX);
            String value = Limits.cut(f.getValue(), FIELD_VALUE_MAX);
            fields.addObject().put("name", name).put("value", value).put("inline", true);
            used += name.length() + value.length();
        }
        // the description gets what the title and fields leave of the 6000 characters
        String body = d.body();
        if (body != null && !body.isBlank()) {
            embed.put("description", Limits.cut(body.strip(), Math.min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used)));
        }
        embed.set("fields", fields);
        Instant at = a.lastSeen() != null ? a.lastSeen() : a.occurredAt() != null ? a.occurredAt() : a.receivedAt();
        if (at != null) {
            embed.put("timestamp", at.toString());
        }
        try {
            return OutboundRequest.json("POST", waitForSave(c.string("webhook-url")), json.writeValueAsString(root));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise Discord payload", e);
        }
    }

    /**
     * The webhook URL with {@code wait=true}, its other parameters (thread_id) kept. A {@code wait} the
     * operator gave is replaced: with wait=false an unsaved message would be a silent success again.
     */
    static String waitForSave(String webhookUrl) {
        String url = webhookUrl;
        int hash = url.indexOf('#');
        if (hash >= 0) {
            url = url.substring(0, hash);
        }
        int q = url.indexOf('?');
        StringBuilder out = new StringBuilder(q < 0 ? url : url.substring(0, q)).append('?');
        if (q >= 0) {
            for (String param : url.substring(q + 1).split("&")) {
                if (!param.isEmpty() && !param.equals("wait") && !param.startsWith("wait=")) {
                    out.append(param).append('&');
                }
            }
        }
        return out.append("wait=true").toString();
    }

    /**
     * Runs after send-http. With wait=true Discord answers 200 with the saved message (a JSON object with
     * its "id"), and an error status for a message it does not save. Any other 2xx (a 204, an empty or
     * non-JSON body) came from something that is not Discord's confirmation, such as a proxy that dropped
     * the query: the message may never have been posted. Not retried, since it may have been.
     */
    public void checkResponse(Exchange exchange) {
        String answer = exchange.getMessage().getBody(String.class);
        VendorAnswer parsed = VendorAnswer.of(200, answer);
        if (parsed.object() != null && parsed.object().hasNonNull("id")) {
            return;
        }
        Object status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE);
        String text = answer == null || answer.isBlank() ? "no body" : "\"" + Limits.oneLine(answer, 200) + "\"";
        throw new NonRetryableDeliveryException(UNCONFIRMED, "Discord answered " + status + " with " + text
                + " instead of the saved message (expected with ?wait=true); the message may not have been posted");
    }

    private static Map<String, String> fields(Alert a) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Severity", a.severityLevel().wire().toUpperCase(Locale.ROOT));
        f.put("Status", a.status());
        if (a.project() != null) {
            f.put("Project", a.project());
        }
        if (a.source() != null) {
            f.put("Source", a.source());
        }
        if (a.eventCount() != null) {
            f.put("Events", a.eventCount().toString());
        }
        if (a.firstSeen() != null) {
            f.put("First seen", a.firstSeen().toString());
        }
        f.values().removeIf(v -> v == null || v.isBlank());
        return f;
    }

    /** Discord colours are RGB integers; resolved alerts are green whatever their severity. */
    static int color(Alert a) {
        if ("resolved".equals(a.status())) {
            return 0x2E7D32;
        }
        return switch (a.severityLevel()) {
            case CRITICAL -> 0xB71C1C;
            case HIGH -> 0xE65100;
            case MEDIUM -> 0xF9A825;
            case LOW -> 0x1565C0;
            case INFO -> 0x9E9E9E;
        };
    }

    /**
     * Discord errors are JSON: {"message":"Invalid Form Body","code":50035,"errors":{"embeds":{"0":
     * {"description":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 4096 or fewer in length."}]}}}}}.
     */
    @Override
    public String describeError(VendorAnswer answer) {
        JsonNode n = answer.object();
        if (n == null || !n.hasNonNull("message")) {
            return null;
        }
        StringBuilder out = new StringBuilder(n.path("message").asText());
        if (n.has("code")) {
            out.append(" (code ").append(n.path("code").asText()).append(')');
        }
        if (n.has("retry_after")) {
            out.append(", retry after ").append(n.path("retry_after").asText()).append(" s");
        }
        String first = firstFieldError(n.path("errors"), "");
        if (first != null) {
            out.append(": ").append(first);
        }
        return out.toString();
    }

    private static String firstFieldError(JsonNode node, String path) {
        if (!node.isObject()) {
            return null;
        }
        JsonNode errors = node.path("_errors");
        if (errors.isArray() && !errors.isEmpty()) {
            return path + ": " + errors.get(0).path("message").asText();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String found = firstFieldError(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
