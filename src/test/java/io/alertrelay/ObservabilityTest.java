package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.ActiveProfiles;

// Spring Boot tests switch metric exporters off unless asked; this test reads /actuator/prometheus
@AutoConfigureObservability(tracing = false)
@ActiveProfiles({"test", "obs"})
class ObservabilityTest extends RelayTestSupport {

    @Autowired
    CamelContext camel;

    @Test
    void livenessAndReadinessAreUpAndNameTheirComponentsWithoutDetails() {
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        JsonNode live = parse(liveness.body());
        assertThat(live.path("status").asText()).isEqualTo("UP");
        assertThat(fieldNames(live.path("components"))).containsExactly("livenessState");

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode ready = parse(readiness.body());
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        // Kafka ingest is off in this profile, so no kafka component
        assertThat(fieldNames(ready.path("components"))).containsExactlyInAnyOrder("camelHealth", "db", "readinessState");
        ready.path("components").forEach(c -> assertThat(c.path("status").asText()).isEqualTo("UP"));
        // an open endpoint: states only, no database product, route list or error text
        assertThat(readiness.body()).doesNotContain("details", "H2", "route");

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(parse(health.body()).path("status").asText()).isEqualTo("UP");

        JsonNode info = parse(get("/actuator/info").body());
        assertThat(info.path("build").path("artifact").asText()).isEqualTo("alert-relay");
        assertThat(info.path("build").path("version").asText()).isNotBlank();
    }

    @Test
    void readinessGoesDownWhileARouteIsStoppedAndLivenessStaysUp() throws Exception {
        camel.getRouteController().stopRoute("claim-deliveries");
        try {
            HttpResponse<String> readiness = get("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            JsonNode ready = parse(readiness.body());
            assertThat(ready.path("status").asText()).isEqualTo("DOWN");
            assertThat(ready.path("components").path("camelHealth").path("status").asText()).isEqualTo("DOWN");
            assertThat(ready.path("components").path("db").path("status").asText()).isEqualTo("UP");
            // a stopped route is no reason to restart the process
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        } finally {
            camel.getRouteController().startRoute("claim-deliveries");
        }
        HttpResponse<String> again = get("/actuator/health/readiness");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(parse(again.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void prometheusCountsOutcomesAndFailureReasonsPerChannelWithALatencyHistogram() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/obs/ok")).willReturn(aResponse().withStatus(204)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/obs/rejected")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"bad payload\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/obs/down")).willReturn(aResponse().withStatus(503)));

        String ok = accept(Map.of("title", "Metrics ok", "labels", Map.of("route", "obs-ok")));
        String rejected = accept(Map.of("title", "Metrics rejected", "labels", Map.of("route", "obs-rejected")));
        String down = accept(Map.of("title", "Metrics down", "labels", Map.of("route", "obs-down")));
        assertThat(awaitDelivery(ok, "obs-ok").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(rejected, "obs-rejected").get("status")).isEqualTo("dead");
        assertThat(awaitDelivery(down, "obs-down").get("status")).isEqualTo("dead");

        // the counters move just after the row changes, so wait for the last of them
        await("the dead delivery of obs-down to be counted", () -> value(scrape(), "alert_relay_deliveries_total",
                Map.of("channel", "obs-down", "outcome", "dead")) != null);
        await("the sent delivery of obs-ok to be counted", () -> value(scrape(), "alert_relay_deliveries_total",
                Map.of("channel", "obs-ok", "outcome", "sent")) != null);
        String text = scrape();

        assertThat(value(text, "alert_relay_deliveries_total", Map.of("channel", "obs-ok", "kind", "webhook", "outcome", "sent")))
                .isEqualTo(1.0);
        assertThat(value(text, "alert_relay_deliveries_total", Map.of("channel", "obs-ok", "outcome", "dead"))).isNull();
        assertThat(value(text, "alert_relay_deliveries_total", Map.of("channel", "obs-rejected", "kind", "webhook", "outcome", "dead")))
                .isEqualTo(1.0);
        assertThat(value(text, "alert_relay_deliveries_total", Map.of("channel", "obs-down", "outcome", "dead"))).isEqualTo(1.0);

        // failures count attempts: a 400 is not retried, a 503 is tried max-attempts (3) times
        assertThat(value(text, "alert_relay_delivery_failures_total",
                Map.of("channel", "obs-rejected", "kind", "webhook", "reason", "client_error"))).isEqualTo(1.0);
        assertThat(value(text, "alert_relay_delivery_failures_total",
                Map.of("channel", "obs-down", "kind", "webhook", "reason", "server_error"))).isEqualTo(3.0);
        assertThat(value(text, "alert_relay_delivery_failures_total", Map.of("channel", "obs-ok"))).isNull();

        // accept-to-sent latency of the sent delivery, in percentile histogram buckets; dead ones are not timed
        List<Map<String, String>> buckets = labelsOf(text, "alert_relay_delivery_seconds_bucket",
                Map.of("channel", "obs-ok", "kind", "webhook"));
        assertThat(buckets).hasSizeGreaterThan(10).anyMatch(l -> "+Inf".equals(l.get("le")));
        assertThat(value(text, "alert_relay_delivery_seconds_bucket", Map.of("channel", "obs-ok", "le", "+Inf"))).isEqualTo(1.0);
        assertThat(value(text, "alert_relay_delivery_seconds_count", Map.of("channel", "obs-ok", "kind", "webhook"))).isEqualTo(1.0);
        assertThat(value(text, "alert_relay_delivery_seconds_sum", Map.of("channel", "obs-ok"))).isGreaterThan(0.0).isLessThan(15.0);
        assertThat(value(text, "alert_relay_delivery_seconds_count", Map.of("channel", "obs-down"))).isNull();

        // the ingest requests are timed under their own path, like the REST API's, however it is spelt
        assertThat(postJson("/alerts/", Map.of("title", "Trailing slash", "labels", Map.of("route", "none")))
                .statusCode()).isEqualTo(202);
        text = scrape();
        assertThat(value(text, "http_server_requests_seconds_count", Map.of("method", "POST", "uri", "/alerts", "status", "202")))
                .isGreaterThanOrEqualTo(4.0);
        assertThat(value(text, "http_server_requests_seconds_count", Map.of("uri", "/alerts/"))).isNull();

        // every configured channel has a pending gauge; nothing waits for these
        for (String channel : List.of("obs-ok", "obs-rejected", "obs-down")) {
            assertThat(value(text, "alert_relay_pending_deliveries", Map.of("channel", channel))).as(channel).isEqualTo(0.0);
        }
    }

    @Test
    void pendingGaugeShowsDeliveriesWaitingForTheirChannel() {
        // obs-throttled may send one delivery an hour: one of the three goes (whichever worker gets the permit
        // first; different fingerprints have no order), the other two wait as pending rows
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(accept(Map.of("title", "Throttled " + i, "labels", Map.of("route", "obs-throttled"))));
        }
        await("one of the three to be sent", () -> ids.stream()
                .filter(id -> "sent".equals(deliveryOf(id, "obs-throttled").get("status"))).count() == 1);

        await("the pending gauge of obs-throttled to show the two waiting deliveries", () ->
                Double.valueOf(2.0).equals(value(scrape(), "alert_relay_pending_deliveries", Map.of("channel", "obs-throttled"))));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE channel_id = 'obs-throttled' AND status = 'pending'",
                Integer.class)).isEqualTo(2);
    }

    @Test
    void perKindRouteStatisticsAreReadableOverJmx() throws Exception {
        WIREMOCK.stubFor(post(urlPathEqualTo("/obs/timed")).willReturn(aResponse().withStatus(204).withFixedDelay(100)));
        String id = accept(Map.of("title", "Timed", "labels", Map.of("route", "obs-timed")));
        assertThat(awaitDelivery(id, "obs-timed").get("status")).isEqualTo("sent");

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName route = new ObjectName("org.apache.camel:context=" + camel.getManagementName()
                + ",type=routes,name=\"deliver-webhook\"");
        await("deliver-webhook to count the exchange", () -> number(jmx, route, "ExchangesCompleted") >= 1);
        // the target took 100 ms to answer, and the route's timing says so
        assertThat(number(jmx, route, "MaxProcessingTime")).isGreaterThanOrEqualTo(100);
        assertThat(number(jmx, route, "MeanProcessingTime")).isGreaterThan(0);
        assertThat(number(jmx, route, "ExchangesTotal")).isGreaterThanOrEqualTo(number(jmx, route, "ExchangesCompleted"));
        assertThat(jmx.getAttribute(route, "State")).isEqualTo("Started");
        // the context MBean the README names, under this test context's management name
        assertThat(jmx.isRegistered(new ObjectName("org.apache.camel:context=" + camel.getManagementName()
                + ",type=context,name=\"alert-relay\""))).isTrue();
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private String scrape() {
        HttpResponse<String> r = get("/actuator/prometheus");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of the first sample of {@code name} whose labels include {@code labels}, or null. */
    private static Double value(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find() && m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(labels.entrySet())) {
                return Double.valueOf(m.group(3));
            }
        }
        return null;
    }

    private static List<Map<String, String>> labelsOf(String text, String name, Map<String, String> labels) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find() && m.group(1).equals(name)) {
                Map<String, String> l = labels(m.group(2));
                if (l.entrySet().containsAll(labels.entrySet())) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new HashMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long number(MBeanServer jmx, ObjectName name, String attribute) {
        try {
            return ((Number) jmx.getAttribute(name, attribute)).longValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
