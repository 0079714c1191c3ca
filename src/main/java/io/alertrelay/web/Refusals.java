package io.alertrelay.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;

/** Refusals written by filters, before any controller or route, in the API's one error shape. */
public final class Refusals {

    private Refusals() {
    }

    /**
     * Writes {"error", "message", "errors": [{"field", "message"}]}; {@code retryAfterSeconds} above 0
     * adds Retry-After, which senders such as Alertmanager honour on 503.
     */
    public static void write(ObjectMapper json, HttpServletResponse response, int status, String code, String message,
                             String field, int retryAfterSeconds) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        var errors = body.putArray("errors");
        if (field != null) {
            errors.addObject().put("field", field).put("message", message);
        }
        response.setStatus(status);
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }

    /** 413 for a body over {@code max} bytes; the rest of the body is not read. */
    public static void tooLarge(ObjectMapper json, jakarta.servlet.http.HttpServletRequest request,
                                HttpServletResponse response, long max) throws IOException {
        CloseUnreadBodies.abandon(request);
        write(json, response, 413, "payload_too_large", "request body exceeds " + max + " bytes", "$", 0);
    }
}
