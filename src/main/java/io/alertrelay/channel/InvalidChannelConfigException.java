package io.alertrelay.channel;

/** A channel declaration that cannot run; the message names the channel and the field. */
public class InvalidChannelConfigException extends RuntimeException {
    public InvalidChannelConfigException(String message) {
        super(message);
    }
}
