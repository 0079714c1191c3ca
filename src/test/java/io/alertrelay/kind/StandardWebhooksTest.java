package io.alertrelay.kind;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.support.PackagedKinds;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The standard-webhooks signature scheme of the webhook kind: the published test vector, signed by a kind
 * file signature shaped as webhook.yaml's, and the secrets the kind's rules accept.
 */
class StandardWebhooksTest {

    private final ChannelRegistry registry = new ChannelRegistry(new RelayProperties(), List.of(),
            List.of(PackagedKinds.only("webhook")));

    /**
     * The spec (spec/standard-webhooks.md) shows the format but no secret; this vector is the one the
     * reference libraries test against: standard-webhooks/standard-webhooks,
     * libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java, verifyWebhookSignWorks. The id
     * and timestamp are the vector's, where webhook.yaml writes msg_&lt;alert&gt;_&lt;channel&gt; and now.
     */
    @Test
    void signsThePublishedTestVector() {
        Signature standard = Signature.compile("kinds/x.yaml", "spec.signatures.standard-webhooks", new Yaml().load("""
                key: "{{#withoutPrefix.whsec_}}{{config.signing-secret}}{{/withoutPrefix.whsec_}}"
                key-encoding: base64
                content: "{{request.headers.webhook-id}}.{{request.headers.webhook-timestamp}}.{{request.body}}"
                headers:
                  webhook-id: "{{id}}"
                  webhook-timestamp: "{{timestamp}}"
                  webhook-signature: "v1,{{signature.base64}}"
                """));
        Map<String, Object> model = new HashMap<>(KindVariables.functions());
        model.put("config", Map.of("signing-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        model.put("id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
        model.put("timestamp", 1614265330L);

        OutboundRequest signed = standard.sign(new OutboundRequest("POST", "https://hooks.example.com/in", Map.of(),
                "{\"test\": 2432232314}", true), model);

        assertThat(signed.headers()).containsEntry("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
                .containsEntry("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek").containsEntry("webhook-timestamp", "1614265330");
    }

    @Test
    void aStandardWebhooksChannelNeedsAWhsecSecretOfAtLeast24Bytes() {
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks")))
                .isEqualTo("channel 'std': config.signing-secret is required with signature-scheme standard-webhooks");
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "plain-secret-value-4711")))
                .isEqualTo("channel 'std': config.signing-secret must be whsec_ followed by a key of at least 24 bytes in "
                        + "base64 for signature-scheme standard-webhooks");
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "whsec_not base64!")))
                .startsWith("channel 'std': config.signing-secret must be whsec_").doesNotContain("not base64");
        // "c2hvcnQta2V5" is "short-key": 9 bytes
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "whsec_c2hvcnQta2V5")))
                .isEqualTo("channel 'std': config.signing-secret must be whsec_ followed by a key of at least 24 bytes in "
                        + "base64 for signature-scheme standard-webhooks");

        // the default scheme takes any secret, as before
        channels(Map.of("signing-secret", "plain-secret-value-4711"));
        channels(Map.of("signature-scheme", "STANDARD-WEBHOOKS", "signing-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    private String refusal(Map<String, Object> config) {
        try {
            channels(config);
            throw new AssertionError("accepted");
        } catch (InvalidChannelConfigException e) {
            return e.getMessage();
        }
    }

    private void channels(Map<String, Object> config) {
        ChannelProperties c = new ChannelProperties();
        c.setId("std");
        c.setKind("webhook");
        Map<String, Object> all = new LinkedHashMap<>(config);
        all.put("url", "https://hooks.example.com/in");
        c.setConfig(all);
        registry.validate(List.of(c));
    }
}
