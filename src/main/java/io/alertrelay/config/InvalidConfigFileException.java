package io.alertrelay.config;

/** A configuration file that cannot be parsed; the message names the file, line and column in one line. */
public class InvalidConfigFileException extends RuntimeException {
    public InvalidConfigFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
