package io.alertrelay.kind;

import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A kind file the relay refuses: one line naming the file and the field at fault. */
public class InvalidKindException extends InvalidChannelConfigException {

    public InvalidKindException(String file, String field, String message) {
        super("kind file " + file + ": " + (field == null ? "" : field + " ") + message);
    }

    /**
     * Refuses a key that the part of a kind file at {@code field} does not have, naming those it has (a
     * list in its own order, a set sorted), so that a misspelt key is not silently ignored.
     */
    static void requireKnownKeys(String file, String field, Map<?, ?> map, Collection<String> known, String what) {
        for (Object k : map.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                List<String> shown = known instanceof List<String> ordered ? ordered : known.stream().sorted().toList();
                throw new InvalidKindException(file, field + "." + k, "is not a " + what + " field; use one of "
                        + String.join(", ", shown));
            }
        }
    }
}
