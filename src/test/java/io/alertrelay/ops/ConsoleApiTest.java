package io.alertrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the web console is served with and reads: its static files and headers, channel health, the
 * delivery search and the chart data of GET /stats/*, counted from the deliveries table.
 */
class ConsoleApiTest extends OpsTestSupport {

    @Test
    void consoleIsServedFromTheJarWithAStrictContentSecurityPolicy() {
        HttpResponse<String> bare = send(HttpRequest.newBuilder(uri("/console")).GET().build());
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/console/"));

        HttpResponse<String> page = get("/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(page.body()).contains("<script src=\"console.js\"", "id=\"signin-form\"")
                .doesNotContain("<script>", "style=", "onclick", "http://", "https://");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        HttpResponse<String> js = get("/console/console.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).doesNotContain("innerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(js.headers().firstValue("Content-Security-Policy")).isPresent();

        HttpResponse<String> chart = get("/console/lib/chart.js/chart.umd.js");
        assertThat(chart.statusCode()).as("the chart library comes from its WebJar in the jar").isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).contains("javascript"));
        assertThat(chart.body()).contains("Chart.js v4");
    }

    @Test
    void healthSaysFailingWhileTheTargetFailsAndOkAfterASuccess() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/console-down"))
                .willReturn(aResponse().withStatus(503).withBody("{\"message\":\"maintenance\"}")));
        String dead = acceptFor("ops-console-down", "console down " + Instant.now());
        assertThat(awaitDelivery(dead, "ops-console-down").get("STATUS")).isEqualTo("dead");

        JsonNode down = parse(get("/channels/ops-console-down").body());
        assertThat(down.path("health").asText()).isEqualTo("failing");
        assertThat(down.path("status").path("lastFailure").path("responseText").asText()).contains("maintenance");
        assertThat(OpsApiTest.byId(parse(get("/channels").body()), "ops-off").path("health").asText()).isEqualTo("disabled");

        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/console-down")).willReturn(aResponse().withStatus(200)));
        assertThat(awaitDelivery(acceptFor("ops-console-down", "console back"), "ops-console-down").get("STATUS"))
                .isEqualTo("sent");
        assertThat(parse(get("/channels/ops-console-down").body()).path("health").asText())
                .as("it sends again, but a dead delivery waits for a replay").isEqualTo("dead_letters");
    }

    @Test
    void deliveriesAreSearchedByTitleFingerprintChannelAndAlert() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/console")).willReturn(aResponse().withStatus(200)));
        String marker = "needle-" + System.nanoTime();
        String a = accept(Map.of("title", "Disk 100% full " + marker, "fingerprint", marker + "-fp",
                "labels", Map.of("route", "ops-console")));
        String b = accept(Map.of("title", "Disk 1000 full " + marker, "labels", Map.of("route", "ops-console")));
        awaitDelivery(a, "ops-console");
        awaitDelivery(b, "ops-console");

        JsonNode byTitle = parse(get("/deliveries?title=" + marker.toUpperCase()).body());
        assertThat(byTitle.path("total").asLong()).as("any case").isEqualTo(2);
        JsonNode percent = parse(get("/deliveries?title=100%25+full+" + marker).body());
        assertThat(percent.path("items")).extracting(i -> i.path("alertId").asText())
                .as("% is a literal character, not a wildcard").containsExactly(a);
        JsonNode byFingerprint = parse(get("/deliveries?fingerprint=" + marker + "-fp").body());
        assertThat(byFingerprint.path("items")).extracting(i -> i.path("alertId").asText()).containsExactly(a);
        assertThat(byFingerprint.path("items").get(0).path("fingerprint").asText()).isEqualTo(marker + "-fp");
        assertThat(parse(get("/deliveries?alert=" + b).body()).path("items"))
                .extracting(i -> i.path("title").asText()).containsExactly("Disk 1000 full " + marker);
        assertThat(parse(get("/deliveries?channel=ops-hook&title=" + marker).body()).path("total").asLong()).isZero();

        HttpResponse<String> tooLong = get("/deliveries?fingerprint=" + "x".repeat(256));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(parse(tooLong.body()).path("errors").get(0).path("field").asText()).isEqualTo("fingerprint");
    }

    @Test
    void statsCountDeliveriesPerBucketFromTheDatabase() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/console")).willReturn(aResponse().withStatus(200).withFixedDelay(50)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/console-down")).willReturn(aResponse().withStatus(500)));
        JsonNode before = parse(get("/stats/deliveries?hours=1&step=60&channel=ops-console").body());
        List<String> sent = List.of(acceptFor("ops-console", "s1"), acceptFor("ops-console", "s2"), acceptFor("ops-console", "s3"));
        sent.forEach(id -> assertThat(awaitDelivery(id, "ops-console").get("STATUS")).isEqualTo("sent"));
        String dead = acceptFor("ops-console-down", "d1");
        assertThat(awaitDelivery(dead, "ops-console-down").get("STATUS")).isEqualTo("dead");

        HttpResponse<String> r = get("/stats/deliveries?hours=1&step=60&channel=ops-console");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = parse(r.body());
        assertThat(s.path("stepSeconds").asInt()).isEqualTo(60);
        assertThat(s.path("buckets")).hasSize(60);
        assertThat(sum(s, "sent") - sum(before, "sent")).isEqualTo(3);
        assertThat(sum(s, "accepted") - sum(before, "accepted")).isEqualTo(3);
        JsonNode last = lastWith(s, "sent");
        assertThat(last.path("latencyMs").path("p50").asDouble()).as("the target answers after 50 ms").isGreaterThanOrEqualTo(50);
        assertThat(last.path("latencyMs").path("p99").asDouble()).isGreaterThanOrEqualTo(last.path("latencyMs").path("p50").asDouble());
        assertThat(s.path("buckets").get(59).path("pending").asLong()).isZero();

        JsonNode down = parse(get("/stats/deliveries?hours=1&step=60&channel=ops-console-down").body());
        assertThat(lastWith(down, "dead").path("failures").path("server_error").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode all = parse(get("/stats/deliveries?hours=24&step=3600").body());
        assertThat(all.path("buckets")).hasSize(24);
        assertThat(sum(all, "sent")).isGreaterThanOrEqualTo(3);

        JsonNode perChannel = parse(get("/stats/channels?hours=24&step=3600").body());
        JsonNode counts = perChannel.path("channels").path("ops-console");
        assertThat(counts.path("sent")).hasSize(24);
        long total = 0;
        for (JsonNode n : counts.path("sent")) {
            total += n.asLong();
        }
        assertThat(total).isGreaterThanOrEqualTo(3);
        assertThat(perChannel.path("channels").path("ops-console-down").path("dead").toString()).matches(".*[1-9].*");
    }

    @Test
    void badStatsParametersAreRefusedByName() {
        assertRefused("/stats/deliveries?step=10", 400, "step");
        assertRefused("/stats/deliveries?hours=0", 400, "hours");
        assertRefused("/stats/deliveries?hours=abc", 400, "hours");
        assertRefused("/stats/deliveries?hours=744&step=60", 400, "step");
        HttpResponse<String> unknown = get("/stats/deliveries?channel=nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(parse(unknown.body()).path("message").asText()).contains("nope");
    }

    private void assertRefused(String path, int status, String field) {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(status);
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_parameter");
        assertThat(body.path("errors").get(0).path("field").asText()).as(r.body()).isEqualTo(field);
    }

    private static long sum(JsonNode series, String field) {
        long n = 0;
        for (JsonNode b : series.path("buckets")) {
            n += b.path(field).asLong();
        }
        return n;
    }

    private static JsonNode lastWith(JsonNode series, String field) {
        JsonNode found = null;
        for (JsonNode b : series.path("buckets")) {
            if (b.path(field).asLong() > 0) {
                found = b;
            }
        }
        assertThat(found).as("a bucket with " + field + " in " + series).isNotNull();
        return found;
    }
}
