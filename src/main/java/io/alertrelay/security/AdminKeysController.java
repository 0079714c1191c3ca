package io.alertrelay.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.FieldError;
import io.alertrelay.alert.InvalidAlertException;
import io.alertrelay.api.ApiErrors;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** /admin/keys: create (the plaintext key is in that answer only), list (never a key or its hash), revoke. */
@RestController
public class AdminKeysController {

    private final ApiKeys keys;
    private final ObjectMapper json;

    public AdminKeysController(ApiKeys keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    @PostMapping(path = "/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ObjectNode> create(@RequestBody(required = false) JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw refused(List.of(new FieldError("$", "must be an object {\"name\": ..., \"scopes\": [...]}")));
        }
        JsonNode nameNode = body.path("name");
        String name = nameNode.isTextual() ? nameNode.asText().strip() : "";
        if (name.isEmpty() || name.length() > 128) {
            errors.add(new FieldError("name", "required, a string of 1 to 128 characters"));
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        JsonNode scopesNode = body.path("scopes");
        if (!scopesNode.isArray() || scopesNode.isEmpty()) {
            errors.add(new FieldError("scopes", "required, a non-empty array of alerts:write, channels:read, admin"));
        } else {
            for (int i = 0; i < scopesNode.size(); i++) {
                JsonNode s = scopesNode.get(i);
                Optional<Scope> scope = s.isTextual() ? Scope.of(s.asText()) : Optional.empty();
                if (scope.isPresent()) {
                    scopes.add(scope.get());
                } else {
                    errors.add(new FieldError("scopes[" + i + "]", "unknown scope " + s + "; use alerts:write, channels:read or admin"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw refused(errors);
        }
        ApiKeyStore.NewKey created = keys.create(name, scopes);
        ObjectNode out = describe(created.stored());
        out.remove("revokedAt");
        out.put("key", created.key());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }

    @GetMapping(path = "/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    public ArrayNode list() {
        ArrayNode out = json.createArrayNode();
        keys.list().forEach(k -> out.add(describe(k)));
        return out;
    }

    @DeleteMapping("/admin/keys/{id}")
    public ResponseEntity<Void> revoke(@PathVariable("id") String id) {
        if (!keys.revoke(id)) {
            throw new ApiErrors.NotFound("no API key with id '" + id + "'");
        }
        return ResponseEntity.noContent().build();
    }

    private ObjectNode describe(ApiKeyStore.StoredKey k) {
        ObjectNode out = json.createObjectNode();
        out.put("id", k.id());
        out.put("name", k.name());
        ArrayNode scopes = out.putArray("scopes");
        k.scopes().forEach(s -> scopes.add(s.value()));
        out.put("createdAt", k.createdAt().toString());
        out.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
        return out;
    }

    private static InvalidAlertException refused(List<FieldError> errors) {
        String msg = errors.size() == 1 ? errors.get(0).toString() : errors.get(0) + " (and " + (errors.size() - 1) + " more)";
        return new InvalidAlertException(400, "invalid_request", msg, errors);
    }
}
