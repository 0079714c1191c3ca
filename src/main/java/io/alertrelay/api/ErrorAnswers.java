package io.alertrelay.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The error code and the words for an HTTP status, for answers that no handler of the relay wrote:
 * Tomcat's own refusals (a malformed request line or URI) and Spring's error dispatch (an unknown path,
 * a method a route does not take). They share the documented shape {"error","message","errors":[]}.
 */
final class ErrorAnswers {

    private ErrorAnswers() {}

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    static String message(int status, String method) {
        return switch (status) {
            case 400 -> "the request is malformed (its request line, URI or headers cannot be read)";
            case 404 -> "no such resource";
            case 405 -> method + " is not supported here";
            case 406 -> "this resource answers JSON only (Accept: application/json)";
            case 408 -> "the request was not received in time";
            case 413 -> "the request is too large";
            case 414 -> "the request URI is too long";
            case 415 -> "Content-Type must be application/json";
            case 431 -> "the request headers are too large";
            case 501 -> method + " is not supported by this server";
            case 503 -> "the relay cannot answer now; please retry";
            default -> status >= 500 ? "the relay could not answer this request; its log says why"
                    : "the request was refused";
        };
    }

    static ObjectNode body(ObjectMapper json, int status, String method) {
        ObjectNode out = json.createObjectNode();
        out.put("error", code(status));
        out.put("message", message(status, method));
        out.putArray("errors");
        return out;
    }
}
