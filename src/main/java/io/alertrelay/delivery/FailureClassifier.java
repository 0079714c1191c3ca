package io.alertrelay.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.channel.Masking;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Decides, from what went wrong, whether a delivery is worth another try and what the operator
 * should read in the channel's failure fields. Retryable: connection and read errors, 408, 429, 5xx.
 */
@Component
public class FailureClassifier {

    static final int MAX_TEXT = 2000;
    public static final String STORAGE_ERROR = "storage_error";
    public static final String LEASE_LOST = "lease_lost";
    /** A URL in a message: kept as scheme and host only (any user:password@ dropped with path and query). */
    private static final Pattern URL = Pattern.compile("(https?|smtps?)://(?:[^/\\s\"'?#@]*@)?([^/\\s\"'?#@]+)[^\\s\"']*");

    public Failure classify(Throwable error, List<String> secrets) {
        return classify(error, secrets, null);
    }

    /** @param vendor the kind's reader of its vendor's errors, asked first to describe an HTTP error answer; may be null */
    public Failure classify(Throwable error, List<String> secrets, VendorErrors vendor) {
        // the relay's own database or claim failed: not the integration's fault, and not a reason to give up
        if (find(error, LeaseLostException.class) != null) {
            return new Failure(LEASE_LOST, error.getMessage(), null, null, null, false, -1);
        }
        if (find(error, DataAccessException.class) != null || find(error, SQLException.class) != null) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new Failure(STORAGE_ERROR, "database error: " + clean(root.getMessage(), secrets), null, null, null, false, -1);
        }
        HttpOperationFailedException http = find(error, HttpOperationFailedException.class);
        if (http != null) {
            return httpFailure(http, secrets, vendor);
        }
        NonRetryableDeliveryException nonRetryable = find(error, NonRetryableDeliveryException.class);
        if (nonRetryable != null) {
            return new Failure(nonRetryable.type(), clean(nonRetryable.getMessage(), secrets), null, null, null, false, -1);
        }
        SSLException tls = find(error, SSLException.class);
        if (tls != null) {
            return new Failure("tls_error", "TLS failure: " + clean(tls.getMessage(), secrets), null, null, null, false, -1);
        }
        AuthenticationFailedException mailAuth = find(error, AuthenticationFailedException.class);
        if (mailAuth != null) {
            return new Failure("auth_error", "SMTP authentication failed: " + clean(mailAuth.getMessage(), secrets),
                    null, null, null, false, -1);
        }
        SendFailedException rejected = find(error, SendFailedException.class);
        if (rejected != null && find(error, IOException.class) == null) {
            return new Failure("client_error", "SMTP server refused the message: " + clean(rejected.getMessage(), secrets),
                    null, null, null, false, -1);
        }
        InterruptedIOException timeout = find(error, InterruptedIOException.class);
        if (timeout != null) {
            return new Failure("timeout", "timed out: " + clean(timeout.getMessage(), secrets), null, null, null, true, -1);
        }
        IOException io = find(error, IOException.class);
        if (io != null) {
            String kind = io instanceof ConnectException ? "connection refused" : io.getClass().getSimpleName();
            return new Failure("connection", kind + ": " + clean(io.getMessage(), secrets), null, null, null, true, -1);
        }
        MessagingException mail = find(error, MessagingException.class);
        if (mail != null) {
            return new Failure("server_error", "SMTP error: " + clean(mail.getMessage(), secrets), null, null, null, true, -1);
        }
        return new Failure("internal_error", error.getClass().getSimpleName() + ": " + clean(error.getMessage(), secrets),
                null, null, null, false, -1);
    }

    private Failure httpFailure(HttpOperationFailedException e, List<String> secrets, VendorErrors vendor) {
        int status = e.getStatusCode();
        boolean throttled = status == 429 || (status == 403 && throttled403(e));
        String type;
        if (throttled) {
            type = "rate_limited";
        } else if (status == 401 || status == 403) {
            type = "auth_error";
        } else if (status == 408) {
            type = "timeout";
        } else if (status >= 500) {
            type = "server_error";
        } else {
            type = "client_error";
        }
        boolean retryable = status == 408 || throttled || status >= 500
                || (vendor != null && vendor.retryableStatuses().contains(status));
        String body = e.getResponseBody();
        String text = body == null ? null : truncate(mask(body, secrets));
        VendorAnswer answer = body == null ? null : VendorAnswer.of(status, body);
        Boolean isJson = answer == null ? null : answer.json() != null;
        String reason = e.getStatusText() == null || e.getStatusText().isBlank() ? "" : " " + e.getStatusText();
        String message = "HTTP " + status + reason + " from " + hostOf(e.getUri());
        String summary = null;
        if (vendor != null && body != null) {
            try {
                summary = vendor.describeError(answer);
            } catch (RuntimeException ignored) {
                // a vendor answer we cannot parse still leaves the generic summary
            }
        }
        if (summary == null && isJson == Boolean.TRUE) {
            summary = summarizeJsonError(answer.json());
        }
        if (summary != null) {
            message += ": " + clean(summary, secrets);
        }
        long wait = retryAfterMillis(e.getResponseHeaders());
        if (wait < 0 && throttled) {
            wait = rateLimitResetMillis(e.getResponseHeaders());
        }
        return new Failure(type, truncate(message), status, truncate(text), isJson, retryable, wait);
    }

    /**
     * A 403 that is a rate limit rather than a refusal (GitHub answers its limits with 403 or 429): it
     * says so, asks to come back later, or reports no requests left.
     */
    private static boolean throttled403(HttpOperationFailedException e) {
        String body = e.getResponseBody();
        return (body != null && body.toLowerCase(java.util.Locale.ROOT).contains("rate limit"))
                || header(e.getResponseHeaders(), "Retry-After") != null
                || "0".equals(header(e.getResponseHeaders(), "X-RateLimit-Remaining"));
    }

    /** X-RateLimit-Reset (epoch seconds), only meaningful once X-RateLimit-Remaining hit 0. */
    static long rateLimitResetMillis(Map<String, String> headers) {
        String reset = header(headers, "X-RateLimit-Reset");
        if (!"0".equals(header(headers, "X-RateLimit-Remaining")) || reset == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(reset.trim()) * 1000 - System.currentTimeMillis());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** Vendors put the useful part of an error in different places; pick the common ones. */
    private static String summarizeJsonError(JsonNode n) {
        for (String f : new String[] {"message", "error", "error_description", "detail"}) {
            JsonNode v = n.get(f);
            if (v != null && v.isTextual()) {
                return v.textValue();
            }
        }
        JsonNode msgs = n.get("errorMessages");
        if (msgs != null && msgs.isArray() && !msgs.isEmpty()) {
            return msgs.get(0).asText();
        }
        JsonNode errors = n.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            return errors.get(0).isTextual() ? errors.get(0).textValue() : errors.get(0).toString();
        }
        return null;
    }

    /** Retry-After is either delta-seconds or an HTTP date. */
    static long retryAfterMillis(Map<String, String> headers) {
        if (headers == null) {
            return -1;
        }
        String value = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        try {
            return Math.max(0, (long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (Exception notDate) {
                return -1;
            }
        }
    }

    private static String hostOf(String uri) {
        try {
            URI u = new URI(uri);
            return u.getHost() == null ? "the target" : u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (Exception e) {
            return "the target";
        }
    }

    /** Removes secrets and URL paths (webhook URLs carry tokens in their path) from a message we keep. */
    static String clean(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = mask(text, secrets);
        Matcher m = URL.matcher(out);
        out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "://" + r.group(2) + "/…"));
        return truncate(out);
    }

    static String mask(String text, List<String> secrets) {
        return Masking.text(text, secrets);
    }

    static String truncate(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return (T) t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
