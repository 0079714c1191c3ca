package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.delivery.DeliveryFailures;
import io.alertrelay.delivery.FailureClassifier;
import io.alertrelay.delivery.LeaseLostException;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.context.ActiveProfiles;

/**
 * When the relay's own database or claim fails in the middle of a delivery, that is neither the
 * channel's fault nor a reason to give the delivery up: it stays pending for a later claim.
 */
@ActiveProfiles({"test", "core"})
class InterruptedDeliveryTest extends RelayTestSupport {

    @Autowired
    private DeliveryFailures failures;

    @Autowired
    private CamelContext camel;

    private Exchange failedWith(Throwable error) {
        Exchange ex = new DefaultExchange(camel);
        ex.setProperty(Exchange.EXCEPTION_CAUGHT, error);
        ex.setProperty("deliveryId", 424242L);
        ex.setProperty("channelId", "hook-flaky");
        ex.setProperty("attempt", 1);
        return ex;
    }

    @Test
    void aDatabaseOutageLeavesTheDeliveryPendingAndTheChannelClean() {
        Exchange ex = failedWith(new CannotGetJdbcConnectionException("pool exhausted"));
        assertThat(failures.shouldRetry(withException(ex))).isFalse();
        failures.record(ex);
        assertThat(ex.getProperty("outcome")).isEqualTo("untouched");
        assertThat(ex.getProperty("failureType")).isEqualTo(FailureClassifier.STORAGE_ERROR);
    }

    @Test
    void aLostLeaseLetsTheOtherInstanceFinish() {
        Exchange ex = failedWith(new LeaseLostException(424242L));
        failures.record(ex);
        assertThat(ex.getProperty("outcome")).isEqualTo("untouched");
    }

    @Test
    void aVendorFailureStillKillsTheDelivery() {
        Exchange ex = failedWith(new IllegalStateException("payload could not be built"));
        failures.record(ex);
        assertThat(ex.getProperty("outcome")).isEqualTo("dead");
    }

    @Test
    void nulCharactersAreDroppedRatherThanRefused() {
        String id = accept(Map.of("title", "a\u0000b", "labels", Map.of("route", "log")));
        assertThat(jdbc.queryForObject("SELECT title FROM alerts WHERE id = ?", String.class, id)).isEqualTo("ab");
    }

    @Test
    void anAlertmanagerGroupWithOversizedPartsIsTakenNotRefused() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("alertname", "Big");
        labels.put("route", "log");
        for (int i = 0; i < 70; i++) {
            labels.put("l" + i, "v" + i);
        }
        String longUrl = "http://prometheus:9090/graph?g0.expr=" + "x".repeat(3000);
        Map<String, Object> alert = Map.of("status", "firing", "labels", labels,
                "annotations", Map.of("summary", "s".repeat(1500)), "generatorURL", longUrl, "fingerprint", "big1");
        HttpResponse<String> r = postJson("/alerts/alertmanager", Map.of("version", "4", "alerts", List.of(alert)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = parse(r.body()).path("ids").get(0).asText();
        var stored = parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, id));
        assertThat(stored.path("title").asText()).hasSize(1024).endsWith("[truncated]");
        assertThat(stored.has("url")).isFalse();
        assertThat(stored.path("details").path("generatorURL").asText()).isEqualTo(longUrl);
        assertThat(stored.path("labels").size()).isEqualTo(64);
        assertThat(stored.path("details").path("labels").size()).isEqualTo(72);
    }

    private static Exchange withException(Exchange ex) {
        ex.setException(ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        return ex;
    }
}
