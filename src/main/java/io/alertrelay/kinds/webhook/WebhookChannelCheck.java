package io.alertrelay.kinds.webhook;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelCheck;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * A standard-webhooks channel needs a whsec_ secret its receivers can read: a wrong one would sign
 * every delivery with a key nobody holds. Checked at startup and on reload; the secret is never echoed.
 */
@Component
class WebhookChannelCheck implements ChannelCheck {

    /** Standard Webhooks asks for at least 24 random bytes (192 bits). */
    static final int MIN_KEY_BYTES = 24;

    WebhookChannelCheck(ChannelRegistry channels) {
        check(channels.all());
    }

    @Override
    public void check(Collection<Channel> channels) {
        for (Channel c : channels) {
            if (!"webhook".equals(c.kind()) || !WebhookPayload.STANDARD_WEBHOOKS.equals(c.string("signature-scheme"))) {
                continue;
            }
            String secret = c.string("signing-secret");
            if (secret == null) {
                throw fail(c, "is required with signature-scheme standard-webhooks");
            }
            byte[] key;
            try {
                key = WebhookPayload.standardKey(secret);
            } catch (IllegalArgumentException e) {
                throw fail(c, "must be " + WebhookPayload.WHSEC + " followed by the key in base64 for signature-scheme "
                        + "standard-webhooks");
            }
            if (key.length < MIN_KEY_BYTES) {
                throw fail(c, "must hold a key of at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
            }
        }
    }

    private static InvalidChannelConfigException fail(Channel c, String message) {
        return new InvalidChannelConfigException("channel '" + c.id() + "': config.signing-secret " + message);
    }
}
