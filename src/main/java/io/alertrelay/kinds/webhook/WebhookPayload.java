package io.alertrelay.kinds.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Kind "webhook": the alert as JSON to any HTTP endpoint, optionally signed, either GitHub's way
 * (X-Signature-256) or as Standard Webhooks (https://www.standardwebhooks.com, symmetric v1).
 */
@Component("webhookPayload")
public class WebhookPayload implements PayloadBuilder {

    public static final String SIGNATURE_HEADER = "X-Signature-256";
    public static final String GITHUB = "github";
    public static final String STANDARD_WEBHOOKS = "standard-webhooks";
    /** How Standard Webhooks serialises a symmetric secret: this prefix, then the key in base64. */
    public static final String WHSEC = "whsec_";

    private static final KindSpec SPEC = new KindSpec("webhook", "JSON to any HTTP endpoint", List.of(
            Param.required("url", Type.URL, "the endpoint to call"),
            Param.oneOf("method", "POST", List.of("POST", "PUT", "PATCH"), "HTTP method"),
            Param.optional("secret-header", Type.STRING, null, "name of a header carrying secret-value"),
            Param.secret("secret-value", false, "value sent in secret-header"),
            Param.optional("headers", Type.HEADERS, null, "extra headers sent as given; their values are masked"),
            Param.optional(Channel.PUBLIC_HEADERS, Type.LIST, null, "names of extra headers whose values are not secret"),
            Param.secret("signing-secret", false, "HMAC-SHA256 key (whsec_<base64> for standard-webhooks)"),
            Param.oneOf("signature-scheme", GITHUB, List.of(GITHUB, STANDARD_WEBHOOKS),
                    "github: X-Signature-256; standard-webhooks: webhook-id, webhook-timestamp, webhook-signature"),
            Param.oneOf("payload", "full", List.of("full", "minimal"), "full alert or the few fields most receivers need"),
            Param.optional("verify-tls", Type.BOOLEAN, true, "check the endpoint's TLS certificate")));

    private final ObjectMapper json;

    public WebhookPayload(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    @Override
    public OutboundRequest build(DeliveryContext d) {
        Channel c = d.channel();
        String body = json(d);
        OutboundRequest req = OutboundRequest.json(c.string("method"), c.string("url"), body)
                .withVerifyTls(c.bool("verify-tls"));
        for (var h : c.map("headers").entrySet()) {
            req = req.withHeader(h.getKey(), h.getValue());
        }
        if (c.string("secret-header") != null && c.string("secret-value") != null) {
            req = req.withHeader(c.string("secret-header"), c.string("secret-value"));
        }
        String secret = c.string("signing-secret");
        if (secret != null && STANDARD_WEBHOOKS.equals(c.string("signature-scheme"))) {
            String id = messageId(d);
            long timestamp = Instant.now().getEpochSecond();
            req = req.withHeader("webhook-id", id)
                    .withHeader("webhook-timestamp", Long.toString(timestamp))
                    .withHeader("webhook-signature", standardSignature(secret, id, timestamp, body));
        } else if (secret != null) {
            req = req.withHeader(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(secret, body));
        }
        return req;
    }

    private String json(DeliveryContext d) {
        Alert a = d.alert();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1");
        root.put("channel", d.channel().id());
        root.put("deliveryId", d.deliveryId());
        root.put("title", d.title());
        if ("full".equals(d.channel().string("payload"))) {
            root.put("text", d.body());
            root.set("alert", json.valueToTree(a));
        } else {
            root.put("severity", a.severity());
            root.put("status", a.status());
            root.put("fingerprint", a.fingerprint());
            if (a.url() != null) {
                root.put("url", a.url());
            }
        }
        try {
            return json.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise webhook payload", e);
        }
    }

    /**
     * The Standard Webhooks message id: the receiver's idempotency key, so the same for every try and
     * replay of one delivery (one alert to one channel) and different for anything else. Alert ids are
     * UUIDs, unique across instances and databases, unlike delivery row ids. No '.', which the signed
     * content uses as its separator.
     */
    static String messageId(DeliveryContext d) {
        return "msg_" + d.alert().id().replace('.', '_') + "_" + d.channel().id();
    }

    /**
     * Standard Webhooks v1: base64 HMAC-SHA256 of "id.timestamp.body", keyed with the base64-decoded
     * part of a whsec_ secret.
     */
    public static String standardSignature(String whsecSecret, String id, long timestamp, String body) {
        byte[] key = standardKey(whsecSecret);
        String signed = id + "." + timestamp + "." + body;
        return "v1," + Base64.getEncoder().encodeToString(hmacSha256(key, signed));
    }

    /** The key of a whsec_ secret; IllegalArgumentException when it is not one (checked at startup). */
    public static byte[] standardKey(String whsecSecret) {
        if (!whsecSecret.startsWith(WHSEC)) {
            throw new IllegalArgumentException("must start with " + WHSEC);
        }
        return Base64.getDecoder().decode(whsecSecret.substring(WHSEC.length()));
    }

    /** Signs the exact bytes sent, so a receiver can verify the body it read off the wire. */
    public static String hmacSha256Hex(String secret, String body) {
        return HexFormat.of().formatHex(hmacSha256(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] hmacSha256(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
