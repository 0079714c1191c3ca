package io.alertrelay.kinds.slack;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Kind "slack": a Block Kit message through an incoming webhook. Header (the title), the body as
 * mrkdwn sections, a context line with severity, status and project, and a "View alert" button.
 */
@Component("slackPayload")
public class SlackPayload implements PayloadBuilder {

    // Block Kit limits: https://api.slack.com/reference/block-kit/blocks
    static final int HEADER_MAX = 150;
    static final int SECTION_MAX = 3000;
    static final int BLOCKS_MAX = 50;
    /** Slack folds long messages behind "Show more" anyway; past this the alert's origin is the better read. */
    static final int BODY_MAX = 12000;

    private static final KindSpec SPEC = new KindSpec("slack", "a Block Kit message through a Slack incoming webhook", List.of(
            new Param("webhook-url", Type.URL, true, null, true, List.of(), "the incoming webhook URL (a secret)"),
            Param.optional("channel", Type.STRING, null, "channel override, for legacy webhooks that allow it"),
            Param.optional("username", Type.STRING, null, "sender name override, for legacy webhooks"),
            Param.optional("icon", Type.STRING, null, "sender icon: an emoji such as :rotating_light: or an image URL")));

    /** Slack's plain-text error codes of incoming webhooks, in words an operator can act on. */
    private static final Map<String, String> ERRORS = Map.ofEntries(
            Map.entry("invalid_payload", "the message was not valid JSON or Slack rejected its blocks"),
            Map.entry("no_text", "the message had no text"),
            Map.entry("channel_not_found", "the channel does not exist or the webhook cannot post to it"),
            Map.entry("channel_is_archived", "the channel is archived"),
            Map.entry("action_prohibited", "a workspace admin restricted posting to this channel"),
            Map.entry("posting_to_general_channel_denied", "only admins may post to this channel"),
            Map.entry("too_many_attachments", "the message had too many attachments"),
            Map.entry("user_not_found", "the user of the channel override does not exist"),
            Map.entry("invalid_token", "the webhook URL is no longer valid"),
            Map.entry("no_service", "the webhook was removed or disabled"),
            Map.entry("no_service_id", "the webhook URL is incomplete"),
            Map.entry("no_team", "the workspace of the webhook no longer exists"),
            Map.entry("team_disabled", "the workspace of the webhook was disabled"),
            Map.entry("rate_limited", "Slack rate-limited the webhook"));

    private final ObjectMapper json;

    public SlackPayload(ObjectMapper json) {
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
        String title = d.title();
        ObjectNode root = json.createObjectNode();
        // notifications and old clients show only this
        root.put("text", SlackMarkdown.escape(Limits.oneLine(title, SECTION_MAX)));
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", Limits.oneLine(title, HEADER_MAX)).put("emoji", true);

        // cut the Markdown before converting, so the marker survives and a 1 MB message costs no work
        String body = SlackMarkdown.toMrkdwn(Limits.cut(d.body(), BODY_MAX));
        List<String> sections = SlackMarkdown.split(body, SECTION_MAX);
        int room = BLOCKS_MAX - 3;
        if (sections.size() > room) {
            sections = new java.util.ArrayList<>(sections.subList(0, room));
            String last = sections.get(room - 1);
            sections.set(room - 1, Limits.cut(last, SECTION_MAX - Limits.MARKER.length()) + Limits.MARKER);
        }
        for (String s : sections) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", s);
        }

        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        context.addObject().put("type", "mrkdwn").put("text", "*Severity:* " + a.severityLevel().wire().toUpperCase(Locale.ROOT));
        context.addObject().put("type", "mrkdwn").put("text", "*Status:* " + a.status());
        if (a.project() != null) {
            context.addObject().put("type", "mrkdwn").put("text", "*Project:* " + SlackMarkdown.escape(a.project()));
        }
        if (a.source() != null) {
            context.addObject().put("type", "mrkdwn").put("text", "*Source:* " + SlackMarkdown.escape(a.source()));
        }

        if (a.url() != null) {
            ObjectNode button = blocks.addObject().put("type", "actions").putArray("elements").addObject();
            button.put("type", "button").put("action_id", "view-alert").put("url", a.url());
            button.putObject("text").put("type", "plain_text").put("text", "View alert");
        }

        if (c.string("channel") != null) {
            root.put("channel", c.string("channel"));
        }
        if (c.string("username") != null) {
            root.put("username", c.string("username"));
        }
        SlackCompat.icon(root, c.string("icon"));
        try {
            return OutboundRequest.json("POST", c.string("webhook-url"), json.writeValueAsString(root));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise Slack payload", e);
        }
    }

    /** Slack answers webhook errors with a bare code in text/plain, e.g. 404 "channel_not_found". */
    @Override
    public String describeError(VendorAnswer answer) {
        String code = answer.text().strip();
        String words = ERRORS.get(code);
        if (words != null) {
            return "Slack " + code + ": " + words;
        }
        return code.isEmpty() ? null : "Slack: " + Limits.oneLine(code, 200);
    }
}
