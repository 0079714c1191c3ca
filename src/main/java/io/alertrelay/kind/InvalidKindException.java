package io.alertrelay.kind;

import io.alertrelay.channel.InvalidChannelConfigException;

/** A kind file the relay refuses: one line naming the file and the field at fault. */
public class InvalidKindException extends InvalidChannelConfigException {

    public InvalidKindException(String file, String field, String message) {
        super("kind file " + file + ": " + (field == null ? "" : field + " ") + message);
    }
}
