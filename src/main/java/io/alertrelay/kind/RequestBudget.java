package io.alertrelay.kind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * requests.&lt;name&gt;.budget, e.g. {bytes: 28000, cut: [body]}: the vendor's limit on a request's payload
 * and the variables that give way, in order, when the rendered payload is over it. The whole request is
 * rendered again from the cut variable, so whatever is made of it (a conversion, a split) shrinks with
 * it, and the visible marker ends up where the text was cut.
 */
final class RequestBudget {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int bytes;
    private final List<String> cut;

    private RequestBudget(int bytes, List<String> cut) {
        this.bytes = bytes;
        this.cut = cut;
    }

    static RequestBudget compile(String file, String field, Object raw, boolean hasPayload) {
        if (!(raw instanceof Map<?, ?> m) || m.get("bytes") == null || !(m.get("cut") instanceof List<?> names)
                || names.isEmpty() || m.size() != 2) {
            throw new InvalidKindException(file, field, "needs bytes (the vendor's limit) and cut (the variables to cut, in order)");
        }
        if (!hasPayload) {
            throw new InvalidKindException(file, field, "applies to a body or form, and the request has neither");
        }
        int bytes;
        try {
            bytes = Integer.parseInt(String.valueOf(m.get("bytes")).strip());
        } catch (NumberFormatException e) {
            bytes = 0;
        }
        if (bytes <= 0) {
            throw new InvalidKindException(file, field + ".bytes", "must be a positive whole number, got \"" + m.get("bytes") + "\"");
        }
        List<String> cut = new ArrayList<>();
        for (Object name : names) {
            if (!String.valueOf(name).matches("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*")) {
                throw new InvalidKindException(file, field + ".cut", "names variables such as body or alert.details, got \"" + name + "\"");
            }
            cut.add(String.valueOf(name));
        }
        return new RequestBudget(bytes, List.copyOf(cut));
    }

    /**
     * The payload within the budget. Each variable in turn is cut only as far as needed; one that cannot make
     * the payload fit even when empty is left empty and the next one is cut. A variable that is not text
     * (alert.details) is cut as its JSON text. Nothing left to cut and still too large: not retried, as the
     * same request would be refused again.
     */
    String fit(Map<String, Object> model, Function<Map<String, Object>, String> payload) {
        String out = payload.apply(model);
        if (size(out) <= bytes) {
            return out;
        }
        Map<String, Object> current = model;
        for (String path : cut) {
            Object value = RequestTemplate.lookup(current, path);
            if (value == null || "".equals(value)) {
                continue;
            }
            Map<String, Object> without = with(current, path, "");
            String emptied = payload.apply(without);
            long base = size(emptied);
            if (base > bytes) {
                current = without;
                continue;
            }
            return cut(current, path, text(value), base, payload, emptied);
        }
        throw new NonRetryableDeliveryException("payload_too_large", "the request is larger than " + bytes
                + " bytes even without " + String.join(", ", cut));
    }

    /**
     * A character costs at least a byte, so no more than the budget's bytes of the text are tried first. The
     * next cut assumes the text costs the same bytes per character throughout; each further round removes at
     * least as many characters as there are bytes too many, so it ends after a round or two.
     */
    private String cut(Map<String, Object> model, String path, String text, long base,
                       Function<Map<String, Object>, String> payload, String emptied) {
        int max = Math.min(text.length(), bytes);
        String attempt = payload.apply(with(model, path, Limits.cut(text, max)));
        long full = size(attempt);
        if (full <= bytes) {
            return attempt;
        }
        max = (int) (max * (double) (bytes - base) / (full - base));
        while (max > 0) {
            attempt = payload.apply(with(model, path, Limits.cut(text, max)));
            long over = size(attempt) - bytes;
            if (over <= 0) {
                return attempt;
            }
            // slack for the marker, whose bytes outnumber its characters
            max = (int) Math.max(0, max - over - 8);
        }
        return emptied;
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static long size(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The model with one variable (a.b.c) replaced; the maps along the path are copied, not changed. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> with(Map<String, Object> model, String path, Object value) {
        // the kind variables stay a Scope, so that the copy still works out text and html when they are read
        Map<String, Object> copy = model instanceof KindVariables.Scope ? new KindVariables.Scope(model) : new HashMap<>(model);
        int dot = path.indexOf('.');
        if (dot < 0) {
            copy.put(path, value);
            return copy;
        }
        String head = path.substring(0, dot);
        Object inner = model.get(head);
        copy.put(head, with(inner instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(), path.substring(dot + 1), value));
        return copy;
    }
}
