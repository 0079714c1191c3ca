package io.alertrelay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.AlertParser;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.Masking;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.kind.KindRequests;
import io.alertrelay.kinds.email.EmailPayload.OutboundMail;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * POST /channels/{id}/preview: the request the channel would send for an alert, built by the same
 * payload builder as a real delivery, with secrets masked, and nothing sent.
 */
@RestController
public class PreviewController {

    static final String MASK = "********";

    private final ChannelRegistry channels;
    private final Map<String, PayloadBuilder> builders;
    private final AlertParser parser;
    private final ObjectMapper json;

    private final KindRequests kindRequests;

    public PreviewController(ChannelRegistry channels, List<PayloadBuilder> builders, AlertParser parser, ObjectMapper json,
                             KindRequests kindRequests) {
        this.kindRequests = kindRequests;
        this.channels = channels;
        this.builders = builders.stream().collect(Collectors.toMap(b -> b.spec().name(), Function.identity()));
        this.parser = parser;
        this.json = json;
    }

    @PostMapping(path = "/channels/{id}/preview", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ObjectNode preview(@PathVariable("id") String id, @RequestBody(required = false) byte[] body) {
        Channel channel = channels.find(id).orElseThrow(() -> new ApiErrors.NotFound("no channel with id '" + id + "'"));
        JsonNode root = parser.readTree(body);
        Alert alert = parser.parseAlerts(root, 1).get(0).withId("preview", Instant.now());
        PayloadBuilder builder = builders.get(channel.kind());
        // a kind built by its kind file alone: its own route renders the request, stopped before the wire
        Object built;
        try {
            built = builder != null ? builder.build(new DeliveryContext(0, channel, alert)) : kindRequests.preview(channel, alert);
        } catch (NonRetryableDeliveryException e) {
            // the channel's config cannot make a request (a delivery would fail the same way): not a server error
            throw new ApiErrors.Conflict("channel '" + id + "' cannot build its request: " + e.getMessage());
        }

        ObjectNode out = json.createObjectNode();
        out.put("channel", channel.id());
        out.put("kind", channel.kind());
        ObjectNode request = out.putObject("request");
        List<String> secrets = channel.secretValues();
        if (built instanceof OutboundRequest r) {
            request.put("method", r.method());
            request.put("url", Masking.url(mask(r.url(), secrets)));
            ObjectNode headers = request.putObject("headers");
            r.headers().forEach((k, v) -> headers.put(k, channel.hidesHeader(k) ? MASK : maskHeader(k, v, secrets)));
            putBody(request, mask(r.body(), secrets));
        } else if (built instanceof OutboundMail m) {
            request.put("method", "SMTP");
            request.put("url", m.endpoint().replaceAll("\\?.*", ""));
            ObjectNode headers = request.putObject("headers");
            m.headers().forEach(headers::put);
            request.put("body", m.html());
            request.put("text", m.text());
        } else {
            request.put("method", "LOG");
            request.put("body", String.valueOf(built));
        }
        return out;
    }

    private void putBody(ObjectNode request, String body) {
        if (body == null) {
            return;
        }
        try {
            request.set("body", json.readTree(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception notJson) {
            request.put("body", body);
        }
    }

    private static String maskHeader(String name, String value, List<String> secrets) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization")) {
            int space = value.indexOf(' ');
            return space > 0 ? value.substring(0, space) + " " + MASK : MASK;
        }
        if (lower.contains("token") || lower.contains("secret") || lower.contains("key") || lower.contains("signature")) {
            return MASK;
        }
        return mask(value, secrets);
    }

    private static String mask(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s.length() >= 4) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }
}
