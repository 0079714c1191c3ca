package io.alertrelay.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.web.HidingHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One gate in front of everything the relay serves. Camel's ingest routes (POST /alerts) run in a
 * servlet on the same Tomcat, so this servlet filter sees them exactly like the REST API.
 * Paths it does not know need {@code admin}: a new endpoint is closed until someone opens it here.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter extends OncePerRequestFilter {

    /** Set on the request for the handlers that want to know who called. */
    public static final String PRINCIPAL = ApiKeyFilter.class.getName() + ".principal";

    static final String AUTHORIZATION = "Authorization";
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String HOW = "send an API key as \"Authorization: Bearer <key>\" or \"X-API-Key: <key>\"";
    private static final Pattern PREVIEW = Pattern.compile("/channels/[^/]+/preview");

    private final ObjectProvider<ApiKeys> keyProvider;
    private final ObjectMapper json;
    private volatile ApiKeys keys;

    /**
     * ApiKeys is looked up on the first request: filters are created while the web server is set up,
     * and the keys (with the database behind them) should start with the other beans, so a refused
     * startup reads as one line and not as a failed Tomcat.
     */
    public ApiKeyFilter(ObjectProvider<ApiKeys> keys, ObjectMapper json) {
        this.keyProvider = keys;
        this.json = json;
    }

    private ApiKeys keys() {
        ApiKeys k = keys;
        if (k == null) {
            k = keyProvider.getObject();
            keys = k;
        }
        return k;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = pathOf(request);
        Optional<Scope> needed = required(request.getMethod(), path);
        if (needed.isEmpty() || !keys().enabled()) {
            chain.doFilter(new WithoutKeyHeaders(request), response);
            return;
        }
        String presented = presentedKey(request);
        if (presented == null) {
            refuse(response, 401, "Bearer realm=\"alert-relay\"", "unauthorized", "an API key is required: " + HOW);
            return;
        }
        Optional<ApiKeys.Principal> principal = keys().authenticate(presented);
        if (principal.isEmpty()) {
            refuse(response, 401, "Bearer realm=\"alert-relay\", error=\"invalid_token\"", "unauthorized",
                    "the API key is unknown or revoked: " + HOW);
            return;
        }
        Scope scope = needed.get();
        if (!scope.grantedBy(principal.get().scopes())) {
            refuse(response, 403, "Bearer realm=\"alert-relay\", error=\"insufficient_scope\", scope=\"" + scope.value() + "\"",
                    "forbidden", "this API key lacks the scope '" + scope.value() + "' that " + request.getMethod()
                            + " " + path + " needs");
            return;
        }
        request.setAttribute(PRINCIPAL, principal.get());
        chain.doFilter(new WithoutKeyHeaders(request), response);
    }

    /**
     * The scope a request needs; empty for what must stay open: health probes, the API description, and
     * the console's static files (they hold no data; the page sends a key with every data call it makes).
     */
    static Optional<Scope> required(String method, String path) {
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/openapi.json")) {
            return Optional.empty();
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (read && under(path, "/console")) {
            return Optional.empty();
        }
        if (under(path, "/stats")) {
            return Optional.of(read ? Scope.CHANNELS_READ : Scope.ADMIN);
        }
        if (under(path, "/alerts")) {
            // GET /alerts/{id} is the "why" view: reading, like the delivery history
            return Optional.of(read ? Scope.CHANNELS_READ : Scope.ALERTS_WRITE);
        }
        // silences: anyone who may read may list them; creating and expiring one is admin's
        if (under(path, "/channels") || under(path, "/deliveries") || under(path, "/silences")) {
            boolean reads = read || (method.equals("POST") && PREVIEW.matcher(path).matches());
            return Optional.of(reads ? Scope.CHANNELS_READ : Scope.ADMIN);
        }
        if (path.startsWith("/actuator/")) {
            return Optional.of(Scope.CHANNELS_READ);
        }
        return Optional.of(Scope.ADMIN);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The decoded, normalised path the container mapped ("/a/../admin" is "/admin"), not the raw URI. */
    private static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
        return path.isEmpty() ? "/" : path;
    }

    static String presentedKey(HttpServletRequest request) {
        String auth = request.getHeader(AUTHORIZATION);
        String key = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7);
        } else {
            key = request.getHeader(API_KEY_HEADER);
        }
        return key == null || key.isBlank() ? null : key.strip();
    }

    private void refuse(HttpServletResponse response, int status, String challenge, String error, String message)
            throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("error", error);
        body.put("message", message);
        body.putArray("errors");
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", challenge);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }

    /**
     * Hides the key headers from everything after the gate. Camel copies request headers into the
     * exchange, where a trace, a log step or an error report could print them; what it never gets it
     * cannot leak.
     */
    static final class WithoutKeyHeaders extends HidingHeaders {

        WithoutKeyHeaders(HttpServletRequest request) {
            super(request);
        }

        @Override
        protected boolean hidden(String name) {
            return AUTHORIZATION.equalsIgnoreCase(name) || API_KEY_HEADER.equalsIgnoreCase(name);
        }
    }
}
