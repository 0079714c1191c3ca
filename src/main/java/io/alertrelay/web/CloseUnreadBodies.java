package io.alertrelay.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * When the relay refuses a request whose body it will not read (too large, too slow, or too many at
 * once: see {@link #abandon}), the connection is closed after the answer instead of Tomcat reading
 * ("swallowing") the rest of the body to keep the connection alive. A client that sends headers and
 * then stalls would otherwise hold a Tomcat thread for the whole read timeout after its refusal, and a
 * few hundred of them take every thread from the health probes. Tomcat does the same for uploads over
 * its own size limits. Other refusals (401, 415) keep Tomcat's swallowing, bounded by
 * server.tomcat.connection-timeout: closing with unread bytes makes the peer's TCP stack reset the
 * connection, and a client may then never see the answer.
 */
@Component
public class CloseUnreadBodies implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private static final String ABANDON = CloseUnreadBodies.class.getName() + ".abandon";

    /** Larger bodies than this are not read after a busy refusal; smaller ones have most likely arrived. */
    private static final long SMALL_BODY = 64 * 1024;

    /** The rest of this request's body is not worth reading: close the connection after the answer. */
    public static void abandon(ServletRequest request) {
        request.setAttribute(ABANDON, Boolean.TRUE);
    }

    /** For a refusal under load: abandon a large body or one of unknown length (chunked). */
    public static void abandonIfLarge(ServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared < 0 || declared > SMALL_BODY) {
            abandon(request);
        }
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextValves(new Valve());
    }

    static final class Valve extends ValveBase {

        Valve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            try {
                getNext().invoke(request, response);
            } finally {
                if (request.getAttribute(ABANDON) == null) {
                    return;
                }
                AtomicBoolean fullyRead = new AtomicBoolean(true);
                request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
                if (!fullyRead.get()) {
                    request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                }
            }
        }
    }
}
