package io.alertrelay.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every API request that carries a body (preview, keys, reload, ...) gets ingest's limits: at most
 * {@code alert-relay.ingest.max-body-bytes}, within {@code body-timeout-ms}, inside the shared memory
 * budget. The body is read here, before Spring MVC, so that an oversized one is a 413 rather than a
 * parse error, and a 150 MiB preview cannot fill the heap. Ingest paths have {@code IngestGate}.
 * Runs after the API-key filter: a caller without a key never gets its body read.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class ApiBodyLimit extends OncePerRequestFilter {

    private final ObjectMapper json;
    private final BodyBudget budget;
    private final RelayProperties.Ingest settings;

    public ApiBodyLimit(ObjectMapper json, BodyBudget budget, RelayProperties props) {
        this.json = json;
        this.budget = budget;
        this.settings = props.getIngest();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean ingest = path.equalsIgnoreCase("/alerts") || path.regionMatches(true, 0, "/alerts/", 0, 8);
        boolean bodiless = request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
        return ingest || bodiless;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int max = settings.getMaxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            Refusals.tooLarge(json, request, response, max);
            return;
        }
        long reserved = declared >= 0 ? declared : max;
        if (!budget.tryReserve(reserved)) {
            CloseUnreadBodies.abandonIfLarge(request);
            Refusals.write(json, response, 503, "busy", "too many request bodies in memory; please retry", null, 1);
            return;
        }
        try {
            byte[] body;
            try (InputStream in = new GuardedBody(request.getInputStream(), max, settings.getBodyTimeoutMs(), request)) {
                body = in.readAllBytes();
            } catch (GuardedBody.TooLarge e) {
                Refusals.tooLarge(json, request, response, max);
                return;
            } catch (GuardedBody.TooSlow e) {
                Refusals.write(json, response, 408, "request_timeout", "the request body did not arrive in time", "$", 0);
                return;
            }
            chain.doFilter(new ReadBody(request, body), response);
        } finally {
            budget.release(reserved);
        }
    }

    /** The request with its body already read. */
    static final class ReadBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
