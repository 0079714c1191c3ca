package io.alertrelay.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Tomcat answers some requests before any servlet sees them: a URI with {@code %00} or an encoded
 * slash, a CONNECT, a request line it cannot parse. Its ErrorReportValve writes those answers as an
 * HTML page (with the Tomcat version unless told otherwise). This puts a valve in its place that writes
 * the relay's JSON shape and names no server.
 *
 * <p>Ordered last: Spring Boot's own Tomcat customizer adds a plain ErrorReportValve to the host, and
 * this one must see and remove it.
 */
@Configuration
public class TomcatErrorConfig implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final ObjectMapper json;

    public TomcatErrorConfig(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new JsonErrorReportValve(json));
            if (host instanceof StandardHost standard) {
                // otherwise the host adds its default valve again when it starts
                standard.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }

    /** Tomcat's error report as the relay's JSON error shape. */
    public static class JsonErrorReportValve extends ErrorReportValve {

        private final ObjectMapper json;

        public JsonErrorReportValve() {
            this(new ObjectMapper());
        }

        JsonErrorReportValve(ObjectMapper json) {
            this.json = json;
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            // the same conditions as Tomcat's own report: an error, nothing written yet, not reported before
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("utf-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(json.writeValueAsString(ErrorAnswers.body(json, status, request.getMethod())));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response cannot take a body: nothing more to tell
            }
        }
    }
}
