package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A vendor's answer to a failed request: its status, its body as text, and the body parsed once when
 * it is a JSON object or array (else null), so that no kind parses it again.
 */
public record VendorAnswer(int status, String text, JsonNode json) {

    private static final ObjectMapper PARSER = new ObjectMapper();

    public static VendorAnswer of(int status, String body) {
        String text = body == null ? "" : body;
        return new VendorAnswer(status, text, parse(text));
    }

    private static JsonNode parse(String text) {
        String t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return null;
        }
        try {
            return PARSER.readTree(t);
        } catch (Exception notJson) {
            return null;
        }
    }

    /** The parsed body when it is a JSON object, else null. */
    public JsonNode object() {
        return json != null && json.isObject() ? json : null;
    }
}
