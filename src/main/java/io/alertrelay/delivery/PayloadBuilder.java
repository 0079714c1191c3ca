package io.alertrelay.delivery;

import io.alertrelay.channel.KindSpec;

/**
 * The one Java part of a channel kind: it declares the kind's config fields and turns a delivery into
 * what the kind's route sends (an {@link OutboundRequest} for HTTP kinds). Builders never send and
 * never retry; the shared routes do that.
 */
public interface PayloadBuilder {

    KindSpec spec();

    Object build(DeliveryContext delivery);

    /**
     * The useful part of the vendor's error answer (Jira's errorMessages and errors, GitHub's 422
     * errors, …) for the channel's failure message, or null to fall back to the generic summary.
     */
    default String describeError(VendorAnswer answer) {
        return null;
    }
}
