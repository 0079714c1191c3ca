package io.alertrelay.observability;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An OutOfMemoryError (or any VirtualMachineError) leaves the process in a state nobody can vouch for:
 * H2 closes its database after one, and threads that caught it carry on half-done. The relay then
 * reports itself broken (liveness DOWN, readiness DOWN), so an orchestrator restarts it; every accepted
 * alert is in the database and is delivered after the restart. Errors are caught wherever the relay
 * sees them: HTTP requests, Camel exchanges, the group-commit writers, and threads that die of them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FatalErrors extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    private final ApplicationEventPublisher events;
    private final AtomicBoolean broken = new AtomicBoolean();

    public FatalErrors(ApplicationEventPublisher events, CamelContext camel) {
        this.events = events;
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                // a handled failure (the delivery retry, ingest's answer) keeps its error in EXCEPTION_CAUGHT
                if (event instanceof CamelEvent.ExchangeFailedEvent || event instanceof CamelEvent.ExchangeFailureHandledEvent) {
                    Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
                    check(exchange.getException());
                    check(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
                }
            }

            @Override
            protected void doInit() {
                setIgnoreCamelContextEvents(true);
                setIgnoreRouteEvents(true);
                setIgnoreServiceEvents(true);
                setIgnoreExchangeCreatedEvent(true);
                setIgnoreExchangeCompletedEvent(true);
                setIgnoreExchangeSendingEvents(true);
                setIgnoreExchangeSentEvents(true);
                setIgnoreExchangeRedeliveryEvents(true);
                setIgnoreStepEvents(true);
            }
        };
        camel.getManagementStrategy().addEventNotifier(notifier);
        // started here: a notifier that is not started is skipped, whenever the context starts
        ServiceHelper.startService(notifier);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            check(error);
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                LOG.error("Uncaught exception in thread {}", thread.getName(), error);
            }
        });
    }

    /** Marks the relay broken when {@code error} is, or was caused by, a VirtualMachineError. */
    public void check(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VirtualMachineError fatal) {
                if (broken.compareAndSet(false, true)) {
                    LOG.error("Fatal JVM error, the relay reports itself broken (liveness and readiness DOWN) so that "
                            + "it is restarted; accepted alerts are kept in the database: {}", fatal.toString());
                    AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
                    AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
                }
                return;
            }
        }
    }

    public boolean broken() {
        return broken.get();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException | Error e) {
            check(e);
            throw e;
        }
    }
}
