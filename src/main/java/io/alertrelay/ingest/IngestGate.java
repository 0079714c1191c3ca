package io.alertrelay.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.web.BodyBudget;
import io.alertrelay.web.CloseUnreadBodies;
import io.alertrelay.web.GuardedRequest;
import io.alertrelay.web.Refusals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Everything about an ingest request that its headers decide, decided before its body is read or
 * Camel sees it:
 * <ul>
 * <li>Once the relay stops, 503 with Retry-After: a sender retries a 503, whereas Alertmanager drops a
 *     notification on any 4xx. (While it starts, Tomcat listens seconds before the Camel routes exist;
 *     the ingest servlet answers 503 for a path whose route is not running yet.)</li>
 * <li>Content-Type and Content-Encoding (415), Content-Length over the limit (413).</li>
 * <li>The concurrency cap and the body memory budget (503 with Retry-After), taken before the body is
 *     read, so that neither slow nor large bodies can exhaust threads or memory.</li>
 * <li>The body itself is read through a size limit (after gzip inflation) and a deadline.</li>
 * </ul>
 */
public class IngestGate extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(IngestGate.class);

    private final ObjectMapper json;
    private final IngestLimit limit;
    private final BodyBudget budget;
    private final RelayProperties.Ingest settings;
    private volatile boolean stopping;

    public IngestGate(ObjectMapper json, IngestLimit limit, BodyBudget budget, RelayProperties props) {
        this.json = json;
        this.limit = limit;
        this.budget = budget;
        this.settings = props.getIngest();
    }

    /** Published before Camel or Tomcat stop: from here on senders are told to come back later. */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        LOG.info("Stopping: new ingest requests get 503 with Retry-After");
        stopping = true;
    }

    /** Opens a closed gate again; for tests of the stopping window. */
    public void reopen() {
        stopping = false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!request.getMethod().equals("POST")) {
            chain.doFilter(request, response);
            return;
        }
        if (stopping) {
            Refusals.write(json, response, 503, "unavailable", "the relay is stopping; nothing was accepted, please retry",
                    null, 5);
            return;
        }
        if (!jsonContentType(request.getContentType())) {
            String ct = request.getContentType();
            Refusals.write(json, response, 415, "unsupported_media_type",
                    "Content-Type must be application/json, got " + (ct == null ? "none" : "\"" + ct + "\""),
                    "Content-Type", 0);
            return;
        }
        String encoding = request.getHeader("Content-Encoding");
        String coding = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        boolean gzip = coding.equals("gzip") || coding.equals("x-gzip");
        if (!gzip && !coding.equals("identity")) {
            Refusals.write(json, response, 415, "unsupported_media_type",
                    "Content-Encoding \"" + encoding + "\" is not supported; send gzip or no encoding",
                    "Content-Encoding", 0);
            return;
        }
        int max = settings.getMaxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            Refusals.tooLarge(json, request, response, max);
            return;
        }
        if (!limit.tryEnter()) {
            CloseUnreadBodies.abandonIfLarge(request);
            Refusals.write(json, response, 503, "busy", "too many ingest requests in progress "
                    + "(alert-relay.ingest.max-concurrent); nothing was accepted, please retry", null, 1);
            return;
        }
        try {
            long reserved = declared >= 0 && !gzip ? declared : max;
            if (!budget.reserve(reserved, settings.getBodyTimeoutMs())) {
                CloseUnreadBodies.abandonIfLarge(request);
                Refusals.write(json, response, 503, "busy", "too many request bodies in memory "
                        + "(alert-relay.ingest.max-buffered-bytes); nothing was accepted, please retry", null, 1);
                return;
            }
            try {
                chain.doFilter(new GuardedRequest(request, gzip, max, settings.getBodyTimeoutMs()), response);
            } finally {
                budget.release(reserved);
            }
        } finally {
            limit.exit();
        }
    }

    static boolean jsonContentType(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
