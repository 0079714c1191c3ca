package io.alertrelay.delivery;

/** A delivery that cannot succeed by trying again (no producer for the kind, channel removed, …). */
public class NonRetryableDeliveryException extends RuntimeException {

    private final String type;

    public NonRetryableDeliveryException(String type, String message) {
        super(message);
        this.type = type;
    }

    public String type() { return type; }
}
