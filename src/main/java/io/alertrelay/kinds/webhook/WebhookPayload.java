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
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/** Kind "webhook": the alert as JSON to any HTTP endpoint, optionally signed. */
@Component("webhookPayload")
public class WebhookPayload implements PayloadBuilder {

    public static final String SIGNATURE_HEADER = "X-Signature-256";

    private static final KindSpec SPEC = new KindSpec("webhook", "JSON to any HTTP endpoint", List.of(
            Param.required("url", Type.URL, "the endpoint to call"),
            Param.oneOf("method", "POST", List.of("POST", "PUT", "PATCH"), "HTTP method"),
            Param.optional("secret-header", Type.STRING, null, "name of a header carrying secret-value"),
            Param.secret("secret-value", false, "value sent in secret-header"),
            Param.optional("headers", Type.MAP, null, "extra headers sent as given"),
            Param.secret("signing-secret", false, "HMAC-SHA256 key; the signature goes in X-Signature-256"),
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
        if (c.string("signing-secret") != null) {
            req = req.withHeader(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(c.string("signing-secret"), body));
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

    /** Signs the exact bytes sent, so a receiver can verify the body it read off the wire. */
    public static String hmacSha256Hex(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
