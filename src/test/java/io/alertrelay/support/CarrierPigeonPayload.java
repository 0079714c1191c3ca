package io.alertrelay.support;

import io.alertrelay.channel.KindSpec;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.PayloadBuilder;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A kind that passes config validation but has no route, to drive the dispatch choice into its
 * otherwise branch the way a half-added kind would.
 */
@Component
public class CarrierPigeonPayload implements PayloadBuilder {

    @Override
    public KindSpec spec() {
        return new KindSpec("carrier-pigeon", "test only: a kind without a route", List.of());
    }

    @Override
    public Object build(DeliveryContext delivery) {
        return delivery.title();
    }
}
