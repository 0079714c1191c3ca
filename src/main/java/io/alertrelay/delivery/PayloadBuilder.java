package io.alertrelay.delivery;

import io.alertrelay.channel.KindSpec;

/**
 * The one Java part of a channel kind: it declares the kind's config fields and turns a delivery into
 * what the kind's route sends (an {@link OutboundRequest} for HTTP kinds). Builders never send and
 * never retry; the shared routes do that.
 */
public interface PayloadBuilder extends VendorErrors {

    KindSpec spec();

    Object build(DeliveryContext delivery);
}
