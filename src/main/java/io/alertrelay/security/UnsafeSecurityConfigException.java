package io.alertrelay.security;

/** A configuration that would expose the relay, or weaken its keys: startup stops with this message. */
public class UnsafeSecurityConfigException extends RuntimeException {
    public UnsafeSecurityConfigException(String message) {
        super(message);
    }
}
