package io.alertrelay.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Turns request JSON into validated {@link Alert}s. Works on the JSON tree rather than data binding
 * so that every error names the exact field and the type that was expected.
 */
@Component
public class AlertParser {

    static final int MAX_TITLE = 1024;
    static final int MAX_FINGERPRINT = 255;
    static final int MAX_CLIENT_ID = 128;
    static final int MAX_SHORT = 255;
    static final int MAX_URL = 2048;
    static final int MAX_LABELS = 64;
    static final int MAX_LABEL_VALUE = 1024;
    static final int MAX_DETAILS_DEPTH = 64;

    private final ObjectMapper json;

    public AlertParser(ObjectMapper json) {
        this.json = json;
    }

    /** Parses raw bytes; malformed JSON is reported with its line and column. */
    /** How deep a JSON value nests (a scalar is 0), without recursion: input decides the depth. */
    static int depth(JsonNode root) {
        int max = 0;
        java.util.ArrayDeque<Map.Entry<JsonNode, Integer>> todo = new java.util.ArrayDeque<>();
        todo.push(Map.entry(root, 0));
        while (!todo.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = todo.pop();
            if (next.getKey().isContainerNode()) {
                int d = next.getValue() + 1;
                max = Math.max(max, d);
                next.getKey().forEach(child -> todo.push(Map.entry(child, d)));
            }
        }
        return max;
    }

    public JsonNode readTree(byte[] body) {
        if (body == null || body.length == 0) {
            throw InvalidAlertException.of(List.of(new FieldError("$", "request body is empty; send a JSON alert")));
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw InvalidAlertException.of(List.of(new FieldError("$", "request body is empty; send a JSON alert")));
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String detail = inWords(e.getOriginalMessage());
            if (detail.length() > 200) {
                detail = detail.substring(0, 200) + "…";
            }
            throw new InvalidAlertException(400, "malformed_json", "malformed JSON" + where + ": " + detail,
                    List.of(new FieldError("$", "malformed JSON" + where)));
        } catch (java.io.IOException e) {
            throw new InvalidAlertException(400, "malformed_json", "the request body could not be read as JSON",
                    List.of(new FieldError("$", "unreadable body")));
        }
    }

    private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]\\)");
    private static final Pattern JAVA_NAME = Pattern.compile(",? ?(from )?`[A-Za-z_$][\\w$]*(\\.[\\w$()]+)+`");

    /**
     * Jackson's messages in words a client can act on: where an unclosed object started instead of a
     * "[Source: REDACTED (`StreamReadFeature...`)" block, the limit without the Java method that holds it
     * ("exceeds the maximum allowed (1000)"), no parser feature names.
     */
    static String inWords(String message) {
        if (message == null || message.isBlank()) {
            return "not valid JSON";
        }
        String s = START_MARKER.matcher(message).replaceAll("(opened at line $1, column $2)");
        s = s.replaceAll("\\(not recognized as one since Feature '\\w+' not enabled for parser\\)", "(JSON has no comments)");
        s = s.replaceAll(": enable `[^`]*` to allow", " (not JSON)");
        s = JAVA_NAME.matcher(s).replaceAll("");
        return s.replaceAll("\\[Source: [^\\]]*]", "").strip();
    }

    /** One alert object or an array of them (1..maxBatch). */
    public List<Alert> parseAlerts(JsonNode root, int maxBatch) {
        if (root.isObject()) {
            return List.of(parse(root, ""));
        }
        if (!root.isArray()) {
            throw InvalidAlertException.of(List.of(new FieldError("$",
                    "expected a JSON object (one alert) or an array of alerts, got " + typeName(root))));
        }
        if (root.isEmpty()) {
            throw InvalidAlertException.of(List.of(new FieldError("$", "the array holds no alert")));
        }
        if (root.size() > maxBatch) {
            throw InvalidAlertException.of(List.of(new FieldError("$",
                    "at most " + maxBatch + " alerts per request, got " + root.size())));
        }
        List<Alert> alerts = new ArrayList<>(root.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            if (!item.isObject()) {
                errors.add(new FieldError("[" + i + "]", "expected an alert object, got " + typeName(item)));
                continue;
            }
            try {
                alerts.add(parse(item, "[" + i + "]."));
            } catch (InvalidAlertException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw InvalidAlertException.of(errors);
        }
        return alerts;
    }

    /** Validates one alert object; every problem is collected so the client fixes them in one go. */
    public Alert parse(JsonNode node, String prefix) {
        Fields f = new Fields(node, prefix);
        String title = f.string("title", MAX_TITLE, true);
        if (title != null && title.isBlank()) {
            f.error("title", "must not be empty");
        }
        String message = f.string("message", Integer.MAX_VALUE, false);
        String severity = f.oneOf("severity", "medium", Arrays.stream(Severity.values()).map(Severity::wire).toArray(String[]::new));
        String status = f.oneOf("status", "firing", Alert.STATUSES);
        String reason = f.oneOf("reason", "new", Alert.REASONS);
        String type = f.string("type", MAX_SHORT, false);
        String fingerprint = f.string("fingerprint", MAX_FINGERPRINT, false);
        String clientId = f.string("id", MAX_CLIENT_ID, false);
        String source = f.string("source", MAX_SHORT, false);
        String project = f.string("project", MAX_SHORT, false);
        String url = f.url("url");
        Instant occurredAt = f.time("occurredAt");
        Instant firstSeen = f.time("firstSeen");
        Instant lastSeen = f.time("lastSeen");
        Long eventCount = f.count("eventCount");
        Map<String, String> labels = f.labels("labels");
        JsonNode details = f.object("details");
        if (details != null && depth(details) > MAX_DETAILS_DEPTH) {
            // every kind nests details a few levels deeper in its own payload, and JSON writers stop at
            // 1000: a limit well below that keeps delivery, preview and the API answering alike
            f.error("details", "must be nested at most " + MAX_DETAILS_DEPTH + " levels deep");
        }
        f.throwIfAny();

        if (fingerprint == null || fingerprint.isBlank()) {
            fingerprint = defaultFingerprint(source, project, title);
        }
        return new Alert(null, clientId, title, message, severity, status, reason, type, fingerprint, source,
                project, url, occurredAt == null ? Instant.now() : occurredAt, firstSeen, lastSeen, eventCount,
                labels, details, null);
    }

    /** Same source, project and title give the same fingerprint, so repeats group together. */
    public static String defaultFingerprint(String source, String project, String title) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {source, project, title}) {
                sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the {@code url} field accepts: an absolute http(s) URL with a host. */
    static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    static String typeName(JsonNode n) {
        JsonNodeType t = n.getNodeType();
        return switch (t) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Collects the field errors of one alert object. */
    private static final class Fields {
        private final JsonNode node;
        private final String prefix;
        private final List<FieldError> errors = new ArrayList<>();

        Fields(JsonNode node, String prefix) {
            this.node = node;
            this.prefix = prefix;
        }

        void error(String field, String message) {
            errors.add(new FieldError(prefix + field, message));
        }

        void throwIfAny() {
            if (!errors.isEmpty()) {
                throw InvalidAlertException.of(errors);
            }
        }

        private JsonNode present(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        String string(String field, int max, boolean required) {
            JsonNode v = present(field);
            if (v == null) {
                if (required) {
                    error(field, "is required");
                }
                return null;
            }
            if (!v.isTextual()) {
                error(field, "must be a string, got " + typeName(v));
                return null;
            }
            // PostgreSQL text cannot hold U+0000; no alert means anything by it
            String s = v.textValue().replace("\u0000", "");
            if (s.length() > max) {
                error(field, "must be at most " + max + " characters, got " + s.length());
                return null;
            }
            return s;
        }

        String oneOf(String field, String dflt, String[] allowed) {
            String s = string(field, 64, false);
            if (s == null) {
                return node.hasNonNull(field) ? null : dflt;
            }
            String lower = s.trim().toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(lower)) {
                    return a;
                }
            }
            error(field, "must be one of " + String.join(", ", allowed) + ", got \"" + clip(s) + "\"");
            return null;
        }

        String url(String field) {
            String s = string(field, MAX_URL, false);
            if (s == null || s.isEmpty()) {
                return null;
            }
            if (!isHttpUrl(s)) {
                error(field, "must be an absolute http(s) URL, got \"" + clip(s) + "\"");
                return null;
            }
            return s;
        }

        Instant time(String field) {
            String s = string(field, 64, false);
            if (s == null) {
                return null;
            }
            try {
                return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                error(field, "must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z, got \"" + clip(s) + "\"");
                return null;
            }
        }

        Long count(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                error(field, "must be an integer, got " + typeName(v));
                return null;
            }
            long n = v.longValue();
            if (n < 0) {
                error(field, "must be zero or more, got " + n);
                return null;
            }
            return n;
        }

        Map<String, String> labels(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return Map.of();
            }
            if (!v.isObject()) {
                error(field, "must be an object of strings, got " + typeName(v));
                return Map.of();
            }
            if (v.size() > MAX_LABELS) {
                error(field, "at most " + MAX_LABELS + " labels, got " + v.size());
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.isEmpty() || key.length() > MAX_SHORT) {
                    error(field, "label names must be 1 to " + MAX_SHORT + " characters");
                    continue;
                }
                if (!e.getValue().isTextual()) {
                    error(field + "." + key, "must be a string, got " + typeName(e.getValue()));
                    continue;
                }
                if (e.getValue().textValue().length() > MAX_LABEL_VALUE) {
                    error(field + "." + key, "must be at most " + MAX_LABEL_VALUE + " characters");
                    continue;
                }
                out.put(key.replace("\u0000", ""), e.getValue().textValue().replace("\u0000", ""));
            }
            return out;
        }

        JsonNode object(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                error(field, "must be an object, got " + typeName(v));
                return null;
            }
            return v;
        }

        private static String clip(String s) {
            return s.length() > 64 ? s.substring(0, 64) + "…" : s;
        }
    }
}
