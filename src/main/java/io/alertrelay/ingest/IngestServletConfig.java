package io.alertrelay.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.RelayProperties;
import io.alertrelay.delivery.Limits;
import io.alertrelay.web.BodyBudget;
import io.alertrelay.web.GuardedBody;
import io.alertrelay.web.Refusals;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpServletResolveConsumerStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Serves the ingest routes ({@code servlet:/alerts...}) with Camel's servlet on the request's own Tomcat
 * thread. platform-http on Spring MVC answered each request asynchronously on a second pool and then
 * dispatched it through MVC a second time; on two cores that capped ingest near 2,000 requests/s
 * (BENCHMARKS.md). The API-key filter is a servlet filter, so it guards this servlet as before.
 */
@Configuration
public class IngestServletConfig {

    private static final Logger LOG = LoggerFactory.getLogger(IngestServletConfig.class);

    /**
     * Camel finds a servlet by its name in a JVM-wide registry, so each application context (tests run
     * several in one JVM) names its own.
     */
    private final String servletName = "alert-relay-ingest-" + UUID.randomUUID();

    /** The component the {@code servlet:} routes use, pointed at this context's servlet. */
    @Bean("servlet")
    ServletComponent servletComponent() {
        ServletComponent component = new ServletComponent();
        component.setServletName(servletName);
        return component;
    }

    @Bean
    ServletRegistrationBean<CamelHttpTransportServlet> ingestServlet(ObjectMapper json) {
        CamelHttpTransportServlet servlet = new CamelHttpTransportServlet() {
            @Override
            public void init(ServletConfig config) throws ServletException {
                super.init(config);
                // set after init, which installs Camel's REST resolver
                setServletResolveConsumerStrategy(new FullPathResolver());
            }

            /**
             * What escapes here failed while Camel read the request, before the route (whose own errors
             * its onException answers): a form body that is not key=value pairs, a body marked gzip that
             * is not. Camel would answer a bare 500 and log a stack trace; it is the client's request.
             */
            @Override
            protected void handleService(HttpServletRequest request, HttpServletResponse response) throws Exception {
                // an ingest route that is not running (stopped over JMX, or not yet started) is a 503 to
                // retry, not the 404 Camel would answer, which Alertmanager treats as final
                if (request.getMethod().equals("POST") && ingestPath(request) != null
                        && getServletResolveConsumerStrategy().resolve(request, getConsumers()) == null) {
                    Refusals.write(json, response, 503, "unavailable", "the ingest route is not running "
                            + "(the relay is starting, or the route was stopped); nothing was accepted, please retry", null, 5);
                    return;
                }
                try {
                    super.handleService(request, response);
                } catch (Exception e) {
                    if (response.isCommitted()) {
                        throw e;
                    }
                    Throwable cause = e;
                    boolean clientsFault = false;
                    while (true) {
                        clientsFault |= cause instanceof IllegalArgumentException || cause instanceof GuardedBody.NotGzip;
                        if (cause.getCause() == null || cause.getCause() == cause) {
                            break;
                        }
                        cause = cause.getCause();
                    }
                    String why = Limits.oneLine(String.valueOf(cause.getMessage()), 200);
                    response.reset();
                    if (!clientsFault) {
                        // e.g. Camel stopping under the request: a 4xx would make Alertmanager drop it
                        LOG.warn("Could not pass an ingest request to its route: {}", why);
                        Refusals.write(json, response, 503, "unavailable", "the relay could not take the request ("
                                + why + "); nothing was accepted, please retry", null, 5);
                        return;
                    }
                    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                    response.setContentType("application/json");
                    ObjectNode body = json.createObjectNode().put("error", "unreadable_request")
                            .put("message", "the request could not be read: " + why);
                    body.putArray("errors").addObject().put("field", "$").put("message", "unreadable request");
                    json.writeValue(response.getOutputStream(), body);
                }
            }
        };
        ServletRegistrationBean<CamelHttpTransportServlet> registration =
                new ServletRegistrationBean<>(servlet, "/alerts", "/alerts/*");
        registration.setName(servletName);
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    IngestGate ingestGate(ObjectMapper json, IngestLimit limit, BodyBudget budget, RelayProperties props) {
        return new IngestGate(json, limit, budget, props);
    }

    /** After the API-key filter: a caller without the right key learns nothing about the relay's state. */
    @Bean
    FilterRegistrationBean<IngestGate> ingestGateRegistration(IngestGate gate) {
        FilterRegistrationBean<IngestGate> registration = new FilterRegistrationBean<>(gate);
        registration.addUrlPatterns("/alerts", "/alerts/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    private static final Map<String, String> INGEST_PATHS = Map.of("/alerts", "/alerts",
            "/alerts/alertmanager", "/alerts/alertmanager");

    /**
     * Names the ingest path in the HTTP server metrics ({@code http_server_requests_seconds{uri="/alerts"}}):
     * Spring MVC sets that label from its own handler mappings, which never see this servlet. Only the
     * two ingest paths are named, however a client spells them (Camel matches ignoring case and a
     * trailing slash): anything else keeps Spring's own value, so no client can invent label values.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> ingestMetricsUri() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                chain.doFilter(request, response);
                String known = ingestPath(request);
                if (known != null) {
                    ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(known));
                }
            }
        });
        registration.addUrlPatterns("/alerts", "/alerts/*");
        return registration;
    }

    /** The ingest path a request names, however a client spells it; null for any other path. */
    static String ingestPath(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        String path = (request.getServletPath() + (pathInfo == null ? "" : pathInfo)).toLowerCase(Locale.ROOT);
        return INGEST_PATHS.get(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    /**
     * Matches routes on the whole path below the context, so a route reads {@code servlet:/alerts} as
     * the URL a client posts to. Camel's default matches on the part after the servlet's mapping, which
     * for the exact mapping {@code /alerts} is nothing at all.
     */
    static final class FullPathResolver extends HttpServletResolveConsumerStrategy {
        @Override
        protected HttpConsumer doResolve(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
            String pathInfo = request.getPathInfo();
            String path = request.getServletPath() + (pathInfo == null ? "" : pathInfo);
            return super.doResolve(new HttpServletRequestWrapper(request) {
                @Override
                public String getPathInfo() {
                    return path;
                }
            }, method, consumers);
        }
    }
}
