package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * A database closed under the pool, and an OutOfMemoryError, as health shows them. Its own context
 * (a file database, and it ends broken), closed after the class.
 */
@ActiveProfiles("test")
@TestPropertySource(properties = {
        "spring.datasource.url=jdbc:h2:file:./target/fatal-error-health-${random.uuid};WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
        "alert-relay.channels[0].id=quiet",
        "alert-relay.channels[0].kind=log"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FatalErrorHealthTest extends RelayTestSupport {

    @Autowired
    CamelContext camel;

    private int status(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build()).statusCode();
    }

    @Test
    @Order(1)
    void aDatabaseClosedUnderThePoolIsReopenedAndIngestRecovers() {
        assertThat(postJson("/alerts", Map.of("title", "before")).statusCode()).isEqualTo(202);
        // what H2 does by itself after a fatal error: every session of the pool is now a dead one
        jdbc.execute("SHUTDOWN");
        await("ingest to accept again on a reopened database", Duration.ofSeconds(20),
                () -> postJson("/alerts", Map.of("title", "after")).statusCode() == 202);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE title IN ('before', 'after')", Long.class))
                .isGreaterThanOrEqualTo(2L);
        assertThat(status("/actuator/health/readiness")).isEqualTo(200);
        assertThat(status("/actuator/health/liveness")).isEqualTo(200);
    }

    @Test
    @Order(2)
    void anOutOfMemoryErrorTurnsLivenessAndReadinessDown() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the shape in which a group-commit writer hands its OutOfMemoryError to every waiting caller
                from("direct:exhausted").routeId("exhausted").process(e -> {
                    throw new IllegalStateException("writing a batch failed",
                            new OutOfMemoryError("Java heap space (raised by the test)"));
                });
            }
        });
        Exchange done = camel.createProducerTemplate().send("direct:exhausted", e -> e.getMessage().setBody("x"));
        assertThat(done.getException()).hasCauseInstanceOf(OutOfMemoryError.class);
        assertThat(status("/actuator/health/liveness")).isEqualTo(503);
        await("liveness DOWN", Duration.ofSeconds(5), () -> status("/actuator/health/liveness") == 503);
        assertThat(status("/actuator/health/readiness")).isEqualTo(503);
    }
}
