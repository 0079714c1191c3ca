package io.alertrelay.delivery;

import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;

/** One delivery in flight: which alert goes to which channel, and the rendered message. */
public record DeliveryContext(long deliveryId, Channel channel, Alert alert) {

    public String title() {
        return channel.renderTitle(alert);
    }

    public String body() {
        return channel.renderBody(alert);
    }
}
