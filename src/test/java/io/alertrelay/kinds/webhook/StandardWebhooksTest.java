package io.alertrelay.kinds.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard-webhooks signature scheme: the published test vector, and the secrets it accepts. */
class StandardWebhooksTest {

    private final ChannelRegistry registry = new ChannelRegistry(new RelayProperties(),
            List.of(new WebhookPayload(new ObjectMapper())));
    private final WebhookChannelCheck check = new WebhookChannelCheck(registry);

    /**
     * The spec (spec/standard-webhooks.md) shows the format but no secret; this vector is the one the
     * reference libraries test against: standard-webhooks/standard-webhooks,
     * libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java, verifyWebhookSignWorks.
     */
    @Test
    void signsThePublishedTestVector() {
        String signature = WebhookPayload.standardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aStandardWebhooksChannelNeedsAWhsecSecretOfAtLeast24Bytes() {
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks")))
                .isEqualTo("channel 'std': config.signing-secret is required with signature-scheme standard-webhooks");
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "plain-secret-value-4711")))
                .isEqualTo("channel 'std': config.signing-secret must be whsec_ followed by the key in base64 for "
                        + "signature-scheme standard-webhooks");
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "whsec_not base64!")))
                .startsWith("channel 'std': config.signing-secret must be whsec_").doesNotContain("not base64");
        // "c2hvcnQta2V5" is "short-key": 9 bytes
        assertThat(refusal(Map.of("signature-scheme", "standard-webhooks", "signing-secret", "whsec_c2hvcnQta2V5")))
                .isEqualTo("channel 'std': config.signing-secret must hold a key of at least 24 bytes, got 9");

        // the default scheme takes any secret, as before
        check.check(channels(Map.of("signing-secret", "plain-secret-value-4711")));
        check.check(channels(Map.of("signature-scheme", "STANDARD-WEBHOOKS",
                "signing-secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));
    }

    private String refusal(Map<String, Object> config) {
        var channels = channels(config);
        try {
            check.check(channels);
            throw new AssertionError("accepted");
        } catch (InvalidChannelConfigException e) {
            return e.getMessage();
        }
    }

    private List<Channel> channels(Map<String, Object> config) {
        ChannelProperties c = new ChannelProperties();
        c.setId("std");
        c.setKind("webhook");
        Map<String, Object> all = new LinkedHashMap<>(config);
        all.put("url", "https://hooks.example.com/in");
        c.setConfig(all);
        return List.copyOf(registry.validate(List.of(c)).values());
    }
}
