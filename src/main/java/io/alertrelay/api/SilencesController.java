package io.alertrelay.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.FieldError;
import io.alertrelay.alert.InvalidAlertException;
import io.alertrelay.noise.Matcher;
import io.alertrelay.noise.Silence;
import io.alertrelay.noise.Silences;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Silences, shaped like Alertmanager's API v2: matchers as {name, value, isRegex, isEqual} (or one string
 * in amtool's syntax when creating), startsAt, endsAt, createdBy, comment, status.state.
 */
@RestController
@Tag(name = "silences", description = "silences: deliveries of matching alerts are not sent while one is active")
public class SilencesController {

    private static final Set<String> STATES = Set.of("active", "pending", "expired");

    private final Silences silences;
    private final ObjectMapper json;

    public SilencesController(Silences silences, ObjectMapper json) {
        this.silences = silences;
        this.json = json;
    }

    @PostMapping(path = "/silences", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a silence",
            description = "Body: {\"matchers\": \"{env=\\\"prod\\\", alertname=~\\\"Disk.*\\\"}\" or [{\"name\",\"value\",\"isRegex\",\"isEqual\"}], "
                    + "\"startsAt\" (default now), \"endsAt\" or \"duration\" (e.g. \"2h\"), \"createdBy\", \"comment\"}. 201 with the silence.")
    public ResponseEntity<ObjectNode> create(@RequestBody(required = false) JsonNode body) {
        if (body == null || !body.isObject()) {
            throw refused(List.of(new FieldError("$", "must be an object {\"matchers\", \"endsAt\" or \"duration\", "
                    + "\"createdBy\", \"comment\"}")));
        }
        List<FieldError> errors = new ArrayList<>();
        List<Matcher> matchers = matchers(body.path("matchers"), errors);
        Instant now = Instant.now();
        Instant startsAt = time(body, "startsAt", errors);
        // as Alertmanager: a start in the past (or none) means now
        if (startsAt == null || startsAt.isBefore(now)) {
            startsAt = now;
        }
        Instant endsAt = time(body, "endsAt", errors);
        JsonNode duration = body.path("duration");
        if (!duration.isMissingNode() && !duration.isNull()) {
            if (endsAt != null) {
                errors.add(new FieldError("duration", "give endsAt or duration, not both"));
            } else {
                Duration d = null;
                try {
                    d = duration.isTextual() ? DurationStyle.detectAndParse(duration.asText().trim()) : null;
                } catch (IllegalArgumentException e) {
                    d = null;
                }
                if (d == null || d.isNegative() || d.isZero()) {
                    errors.add(new FieldError("duration", "must be a positive duration such as 30m, 2h or 1d, got " + duration));
                } else {
                    endsAt = startsAt.plus(d);
                }
            }
        } else if (endsAt == null && !body.hasNonNull("endsAt")) {
            errors.add(new FieldError("endsAt", "required (RFC 3339), or give duration"));
        }
        if (endsAt != null && !endsAt.isAfter(startsAt)) {
            errors.add(new FieldError("endsAt", "must be after startsAt" + (startsAt == now ? " (now)" : "")));
        }
        String createdBy = text(body, "createdBy", 255, errors);
        String comment = text(body, "comment", 2000, errors);
        if (!errors.isEmpty()) {
            throw refused(errors);
        }
        Silence s = silences.create(matchers, startsAt, endsAt, createdBy, comment);
        return ResponseEntity.status(HttpStatus.CREATED).body(describe(s, Instant.now()));
    }

    @GetMapping(path = "/silences", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Every silence, newest first; ?state=active|pending|expired filters")
    public ArrayNode list(@Parameter(description = "active, pending or expired") @RequestParam(name = "state", required = false) String state) {
        if (state != null && !state.isBlank() && !STATES.contains(state)) {
            throw new ApiErrors.BadRequest("state", "must be one of active, pending, expired, got \"" + state + "\"");
        }
        Instant now = Instant.now();
        ArrayNode out = json.createArrayNode();
        for (Silence s : silences.list()) {
            if (state == null || state.isBlank() || s.state(now).equals(state)) {
                out.add(describe(s, now));
            }
        }
        return out;
    }

    @GetMapping(path = "/silences/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "One silence")
    public ObjectNode get(@PathVariable("id") String id) {
        return describe(silences.find(id).orElseThrow(() -> notFound(id)), Instant.now());
    }

    @DeleteMapping(path = "/silences/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Expire a silence now (a pending one never starts); answers with the expired silence")
    public ObjectNode expire(@PathVariable("id") String id) {
        return describe(silences.expire(id).orElseThrow(() -> notFound(id)), Instant.now());
    }

    private static ApiErrors.NotFound notFound(String id) {
        return new ApiErrors.NotFound("no silence with id '" + id + "'");
    }

    private ObjectNode describe(Silence s, Instant now) {
        ObjectNode out = json.createObjectNode();
        out.put("id", s.id());
        ArrayNode list = out.putArray("matchers");
        for (Matcher m : s.matchers()) {
            list.addObject().put("name", m.name()).put("value", m.value())
                    .put("isRegex", m.op() == Matcher.Op.RE || m.op() == Matcher.Op.NRE)
                    .put("isEqual", m.op() == Matcher.Op.EQ || m.op() == Matcher.Op.RE);
        }
        out.put("matchersText", Matcher.format(s.matchers()));
        out.put("startsAt", s.startsAt().toString());
        out.put("endsAt", s.endsAt().toString());
        out.put("createdBy", s.createdBy());
        out.put("comment", s.comment());
        out.put("createdAt", s.createdAt().toString());
        out.put("updatedAt", s.updatedAt().toString());
        out.putObject("status").put("state", s.state(now));
        return out;
    }

    private static List<Matcher> matchers(JsonNode node, List<FieldError> errors) {
        List<Matcher> out = new ArrayList<>();
        if (node.isTextual()) {
            try {
                out.addAll(Matcher.parse(node.asText()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("matchers", e.getMessage()));
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode m = node.get(i);
                String at = "matchers[" + i + "]";
                if (m.isTextual()) {
                    try {
                        out.addAll(Matcher.parse(m.asText()));
                    } catch (IllegalArgumentException e) {
                        errors.add(new FieldError(at, e.getMessage()));
                    }
                    continue;
                }
                if (!m.path("name").isTextual() || m.path("name").asText().isBlank() || !m.path("value").isTextual()) {
                    errors.add(new FieldError(at, "must be {\"name\": string, \"value\": string, \"isRegex\": boolean, "
                            + "\"isEqual\": boolean} or a matcher string such as env=\"prod\""));
                    continue;
                }
                boolean regex = m.path("isRegex").asBoolean(false);
                boolean equal = m.path("isEqual").asBoolean(true);
                Matcher.Op op = regex ? (equal ? Matcher.Op.RE : Matcher.Op.NRE) : (equal ? Matcher.Op.EQ : Matcher.Op.NEQ);
                try {
                    out.add(Matcher.of(m.path("name").asText(), op, m.path("value").asText()));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(at, e.getMessage()));
                }
            }
        } else {
            errors.add(new FieldError("matchers", "required: a string such as {env=\"prod\", alertname=~\"Disk.*\"} "
                    + "or a non-empty array of matchers"));
        }
        // Alertmanager refuses a silence whose matchers all match the empty string: it would silence everything
        if (!out.isEmpty() && out.stream().allMatch(m -> m.matches(java.util.Map.of()))) {
            errors.add(new FieldError("matchers", "at least one matcher must not match the empty value, "
                    + "or the silence would silence every alert"));
        }
        return out;
    }

    private static Instant time(JsonNode body, String field, List<FieldError> errors) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an RFC 3339 time such as 2026-12-01T08:00:00Z, got " + v));
            return null;
        }
    }

    private static String text(JsonNode body, String field, int max, List<FieldError> errors) {
        JsonNode v = body.path(field);
        String s = v.isTextual() ? v.asText().strip() : "";
        if (s.isEmpty() || s.length() > max) {
            errors.add(new FieldError(field, "required, a string of 1 to " + max + " characters"));
        }
        return s;
    }

    private static InvalidAlertException refused(List<FieldError> errors) {
        String msg = errors.size() == 1 ? errors.get(0).toString() : errors.get(0) + " (and " + (errors.size() - 1) + " more)";
        return new InvalidAlertException(400, "invalid_silence", msg, errors);
    }
}
