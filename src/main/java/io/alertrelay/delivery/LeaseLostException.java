package io.alertrelay.delivery;

/** Another instance took the delivery over (our lease ran out between tries); this one must let go. */
public class LeaseLostException extends RuntimeException {
    public LeaseLostException(long deliveryId) {
        super("delivery " + deliveryId + " is no longer claimed by this instance");
    }
}
