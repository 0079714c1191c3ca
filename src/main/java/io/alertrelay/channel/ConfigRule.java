package io.alertrelay.channel;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A conditional rule of a kind's config (spec.definition.rules, JSON Schema's if/then): when every field
 * of {@code when} has the given value, the {@code required} fields must be set and each of {@code checks}
 * (a field with pattern, minLength or maxLength; its description says what it must be) must hold.
 */
public record ConfigRule(Map<String, String> when, List<String> required, List<Param> checks) {

    public boolean appliesTo(Map<String, Object> config) {
        return when.entrySet().stream().allMatch(w -> config.get(w.getKey()) != null
                && String.valueOf(config.get(w.getKey())).equals(w.getValue()));
    }

    /** The condition in words: "signature-scheme standard-webhooks". */
    public String condition() {
        return when.entrySet().stream().map(w -> w.getKey() + " " + w.getValue()).collect(Collectors.joining(" and "));
    }
}
