package io.alertrelay.channel;

import io.alertrelay.delivery.VendorErrors;

/**
 * What the relay knows about a kind besides its config fields, declared in its kind file: the vendor's
 * published rate limit (used when a channel sets none), the default message template, how to read its
 * error answers, what a test send does, and whether it keeps state per fingerprint.
 *
 * @param rateLimit default rate limit, e.g. "120/min", or null for none
 * @param title default title template, or null for the relay's default
 * @param body default body template (Markdown), or null for templates/&lt;kind&gt;.md
 * @param resolveAfterTest a test send also resolves the test alert (so no incident stays open)
 * @param source where the kind is declared, for messages
 */
public record KindFacts(String rateLimit, String title, String body, VendorErrors errors, boolean resolveAfterTest,
                        boolean keepsState, boolean canDigest, String source) {

    public static final KindFacts NONE = new KindFacts(null, null, null, VendorErrors.NONE, false, false, false, null);
}
