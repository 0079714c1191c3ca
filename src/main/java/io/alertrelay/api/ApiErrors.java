package io.alertrelay.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.FieldError;
import io.alertrelay.alert.InvalidAlertException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** The REST API answers every refusal in the same JSON shape as ingest: error, message, errors[]. */
@RestControllerAdvice
public class ApiErrors {

    private final ObjectMapper json;

    public ApiErrors(ObjectMapper json) {
        this.json = json;
    }

    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A request parameter or body field the API cannot use; the field is named in the answer. */
    public static class BadRequest extends RuntimeException {
        private final String field;
        private final String code;

        public BadRequest(String field, String message) {
            this("invalid_parameter", field, message);
        }

        public BadRequest(String code, String field, String message) {
            super(message);
            this.code = code;
            this.field = field;
        }
    }

    /** The resource exists but is not in a state that allows the request (e.g. replaying a sent delivery). */
    public static class Conflict extends RuntimeException {
        private final String code;

        public Conflict(String message) {
            this("conflict", message);
        }

        public Conflict(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ObjectNode> badRequest(BadRequest e) {
        // a parameter error names its parameter in the message; other codes carry a complete reason
        String message = e.field == null || !e.code.equals("invalid_parameter") ? e.getMessage() : e.field + ": " + e.getMessage();
        List<FieldError> errors = e.field == null ? List.of() : List.of(new FieldError(e.field, e.getMessage()));
        return ResponseEntity.badRequest().body(body(e.code, message, errors));
    }

    @ExceptionHandler(Conflict.class)
    ResponseEntity<ObjectNode> conflict(Conflict e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(body(e.code, e.getMessage(), List.of()));
    }

    @ExceptionHandler(InvalidAlertException.class)
    ResponseEntity<ObjectNode> invalid(InvalidAlertException e) {
        return ResponseEntity.status(e.status()).body(body(e.code(), e.getMessage(), e.errors()));
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ObjectNode> notFound(NotFound e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(body("not_found", e.getMessage(), List.of()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ObjectNode> noResource(NoResourceFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(body("not_found", "no such resource", List.of()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ObjectNode> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(body("malformed_json", "the request body is not valid JSON",
                List.of(new FieldError("$", "malformed JSON"))));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ObjectNode> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(body("unsupported_media_type",
                "Content-Type must be application/json", List.of(new FieldError("Content-Type", "must be application/json"))));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ObjectNode> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).body(body("method_not_allowed",
                e.getMethod() + " is not supported here", List.of()));
    }

    private ObjectNode body(String code, String message, List<FieldError> errors) {
        ObjectNode out = json.createObjectNode();
        out.put("error", code);
        out.put("message", message);
        ArrayNode list = out.putArray("errors");
        errors.forEach(e -> list.addObject().put("field", e.field()).put("message", e.message()));
        return out;
    }
}
