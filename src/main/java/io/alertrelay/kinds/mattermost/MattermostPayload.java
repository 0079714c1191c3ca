package io.alertrelay.kinds.mattermost;

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
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.kinds.slack.SlackCompat;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Kind "mattermost": Mattermost's Slack-compatible incoming webhook with one message attachment
 * (colour bar by severity, title linking to the alert, the Markdown body, short fields). Mattermost
 * renders standard Markdown, so the body is passed as written, only cut to the post size limit.
 */
@Component("mattermostPayload")
public class MattermostPayload implements PayloadBuilder {

    /** Mattermost's default maximum post size (characters) since 5.0; the body never exceeds it. */
    static final int TEXT_MAX = 16383;
    static final int TITLE_MAX = 1024;

    private static final KindSpec SPEC = new KindSpec("mattermost", "a message through a Mattermost incoming webhook", List.of(
            new Param("webhook-url", Type.URL, true, null, true, List.of(), "the incoming webhook URL (a secret)"),
            Param.optional("channel", Type.STRING, null, "channel override (name, e.g. town-square), if the webhook allows it"),
            Param.optional("username", Type.STRING, null, "sender name override, if the server allows it"),
            Param.optional("icon", Type.STRING, null, "sender icon: an emoji such as :rotating_light: or an image URL")));

    private final ObjectMapper json;

    public MattermostPayload(ObjectMapper json) {
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
        String title = Limits.oneLine(d.title(), TITLE_MAX);
        ObjectNode root = json.createObjectNode();
        if (c.string("channel") != null) {
            root.put("channel", c.string("channel"));
        }
        if (c.string("username") != null) {
            root.put("username", c.string("username"));
        }
        SlackCompat.icon(root, c.string("icon"));

        // the alert goes in an attachment rather than the post text, which Mattermost scans for @channel
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("fallback", title);
        attachment.put("color", SlackCompat.color(a));
        attachment.put("title", title);
        if (a.url() != null) {
            attachment.put("title_link", a.url());
        }
        String body = Limits.cut(d.body(), TEXT_MAX);
        if (body != null && !body.isBlank()) {
            attachment.put("text", body);
        }
        ArrayNode fields = attachment.putArray("fields");
        field(fields, "Severity", a.severityLevel().wire().toUpperCase(Locale.ROOT));
        field(fields, "Status", a.status());
        field(fields, "Project", a.project());
        field(fields, "Source", a.source());
        field(fields, "Events", a.eventCount() == null ? null : a.eventCount().toString());
        try {
            return OutboundRequest.json("POST", c.string("webhook-url"), json.writeValueAsString(root));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise Mattermost payload", e);
        }
    }

    private static void field(ArrayNode fields, String name, String value) {
        if (value != null && !value.isBlank()) {
            fields.addObject().put("short", true).put("title", name).put("value", Limits.oneLine(value, 1024));
        }
    }

    /** Mattermost's API errors: {"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook",…}. */
    @Override
    public String describeError(VendorAnswer answer) {
        JsonNode n = answer.json();
        if (n == null) {
            return answer.text().isBlank() ? null : "Mattermost: " + Limits.oneLine(answer.text(), 200);
        }
        String message = n.path("message").asText("");
        String id = n.path("id").asText("");
        if (message.isEmpty()) {
            return null;
        }
        String detail = n.path("detailed_error").asText("");
        return message + (id.isEmpty() ? "" : " (" + id + ")") + (detail.isEmpty() ? "" : ": " + detail);
    }
}
