package io.alertrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /channels, the delivery history and replays, as an operator uses them when an integration breaks. */
class OpsApiTest extends OpsTestSupport {

    @Test
    void channelsShowConfigWithSecretsMaskedMatchAndRateLimit() {
        HttpResponse<String> r = get("/channels");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.body()).doesNotContain("ops-secret-token-value");
        JsonNode hook = byId(parse(r.body()), "ops-hook");
        assertThat(hook.path("kind").asText()).isEqualTo("webhook");
        assertThat(hook.path("enabled").asBoolean()).isTrue();
        assertThat(hook.path("match").path("min-severity").asText()).isEqualTo("low");
        assertThat(hook.path("match").path("labels").path("route").asText()).isEqualTo("ops-hook");
        assertThat(hook.path("rateLimit").asText()).isEqualTo("600/min");
        assertThat(hook.path("config").path("url").asText()).endsWith("/ops/hook");
        assertThat(hook.path("config").path("secret-header").asText()).isEqualTo("X-Relay-Token");
        assertThat(hook.path("config").path("secret-value").asText()).isEqualTo("********");
        assertThat(hook.path("status").has("sentCount")).isTrue();

        JsonNode pd = byId(parse(r.body()), "ops-pd");
        assertThat(pd.path("rateLimit").asText()).as("PagerDuty's published limit applies by default").isEqualTo("120/min");
        assertThat(pd.path("config").path("routing-key").asText()).isEqualTo("********");
        assertThat(byId(parse(r.body()), "ops-off").path("enabled").asBoolean()).isFalse();

        HttpResponse<String> one = get("/channels/ops-hook");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(parse(one.body()).path("config").path("secret-value").asText()).isEqualTo("********");
        assertThat(one.body()).doesNotContain("ops-secret-token-value");
    }

    @Test
    void successCountsLastSuccessAndMeanResponseTime() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/timed")).willReturn(aResponse().withStatus(200).withFixedDelay(150)));
        JsonNode before = parse(get("/channels/ops-timed").body()).path("status");
        assertThat(before.path("sentCount").asLong()).isZero();
        assertThat(before.path("meanResponseMs").isNull()).as("no success yet, no mean").isTrue();
        assertThat(before.path("lastSuccessAt").isNull()).isTrue();

        String alert = acceptFor("ops-timed", "timed");
        assertThat(awaitDelivery(alert, "ops-timed").get("STATUS")).isEqualTo("sent");

        JsonNode status = parse(get("/channels/ops-timed").body()).path("status");
        assertThat(status.path("sentCount").asLong()).isEqualTo(1);
        assertThat(status.path("lastSuccessAt").asText()).isNotEmpty();
        assertThat(status.path("meanResponseMs").asDouble()).as("the stub answers after 150 ms").isBetween(150.0, 3000.0);
        assertThat(status.path("lastFailure").isNull()).isTrue();
    }

    @Test
    void failedDeliveryShowsFailureFieldsAndReplayResendsItOnceTheTargetIsFixed() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/flaky")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"database on fire\"}")));
        String alert = acceptFor("ops-flaky", "flaky one");
        Map<String, Object> row = awaitDelivery(alert, "ops-flaky");
        assertThat(row.get("STATUS")).isEqualTo("dead");
        long deliveryId = ((Number) row.get("ID")).longValue();

        JsonNode status = parse(get("/channels/ops-flaky").body()).path("status");
        assertThat(status.path("failedCount").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(status.path("deadCount").asLong()).isEqualTo(1);
        JsonNode failure = status.path("lastFailure");
        assertThat(failure.path("errorType").asText()).isEqualTo("server_error");
        assertThat(failure.path("statusCode").asInt()).isEqualTo(500);
        assertThat(failure.path("responseText").asText()).contains("database on fire");
        assertThat(failure.path("responseIsJson").asBoolean()).isTrue();
        assertThat(failure.path("at").asText()).isNotEmpty();
        assertThat(failure.path("message").asText()).isNotEmpty();

        JsonNode dead = parse(get("/deliveries?status=dead&size=500").body());
        assertThat(ids(dead.path("items"))).contains(deliveryId);
        dead.path("items").forEach(d -> assertThat(d.path("status").asText()).isEqualTo("dead"));

        int tries = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/ops/flaky"))).size();
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/flaky")).willReturn(aResponse().withStatus(204)));
        HttpResponse<String> replay = postEmpty("/deliveries/" + deliveryId + "/replay");
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(parse(replay.body()).path("id").asLong()).isEqualTo(deliveryId);

        assertThat(awaitDelivery(alert, "ops-flaky").get("STATUS")).isEqualTo("sent");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/ops/flaky")))).hasSize(tries + 1);
        JsonNode after = parse(get("/channels/ops-flaky").body()).path("status");
        assertThat(after.path("lastFailure").isNull()).as("a success clears the failure fields").isTrue();
        assertThat(after.path("deadCount").asLong()).isZero();
        assertThat(after.path("lastSuccessAt").asText()).isNotEmpty();

        HttpResponse<String> again = postEmpty("/deliveries/" + deliveryId + "/replay");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(parse(again.body()).path("error").asText()).isEqualTo("conflict");
        assertThat(parse(again.body()).path("message").asText()).contains("sent");
    }

    @Test
    void channelReplaySendsAllItsDeadDeliveriesAgain() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/batch")).willReturn(aResponse().withStatus(404)));
        List<String> alerts = List.of(acceptFor("ops-batch", "batch 1"), acceptFor("ops-batch", "batch 2"));
        alerts.forEach(a -> assertThat(awaitDelivery(a, "ops-batch").get("STATUS")).isEqualTo("dead"));

        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/batch")).willReturn(aResponse().withStatus(200)));
        HttpResponse<String> r = postEmpty("/channels/ops-batch/replay");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(parse(r.body()).path("channel").asText()).isEqualTo("ops-batch");
        assertThat(parse(r.body()).path("replayed").asInt()).isEqualTo(2);
        alerts.forEach(a -> assertThat(awaitDelivery(a, "ops-batch").get("STATUS")).isEqualTo("sent"));

        assertThat(parse(postEmpty("/channels/ops-batch/replay").body()).path("replayed").asInt()).isZero();
    }

    @Test
    void historyIsPagedNewestFirstAndFiltersByStatus() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/history")).withRequestBody(notContaining("reject-me"))
                .willReturn(aResponse().withStatus(200)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/history")).withRequestBody(containing("reject-me"))
                .willReturn(aResponse().withStatus(400).withBody("bad request")));
        List<String> alerts = new ArrayList<>();
        for (String title : List.of("ok 1", "reject-me 1", "ok 2", "reject-me 2", "ok 3")) {
            String id = acceptFor("ops-history", title);
            alerts.add(id);
            awaitDelivery(id, "ops-history");
        }

        JsonNode first = parse(get("/channels/ops-history/deliveries?size=2").body());
        assertThat(first.path("total").asLong()).isEqualTo(5);
        assertThat(first.path("page").asInt()).isZero();
        assertThat(first.path("size").asInt()).isEqualTo(2);
        assertThat(first.path("items")).hasSize(2);
        JsonNode newest = first.path("items").get(0);
        assertThat(newest.path("alertId").asText()).isEqualTo(alerts.get(4));
        assertThat(newest.path("title").asText()).isEqualTo("ok 3");
        assertThat(newest.path("status").asText()).isEqualTo("sent");
        assertThat(newest.path("attempts").asInt()).isEqualTo(1);
        assertThat(newest.path("sentAt").asText()).isNotEmpty();
        assertThat(newest.path("createdAt").asText()).isNotEmpty();
        assertThat(newest.path("lastError").isNull()).isTrue();
        assertThat(newest.path("id").asLong()).isGreaterThan(first.path("items").get(1).path("id").asLong());

        JsonNode last = parse(get("/channels/ops-history/deliveries?size=2&page=2").body());
        assertThat(last.path("items")).hasSize(1);
        assertThat(last.path("items").get(0).path("alertId").asText()).isEqualTo(alerts.get(0));
        assertThat(parse(get("/channels/ops-history/deliveries?size=2&page=3").body()).path("items")).isEmpty();

        JsonNode dead = parse(get("/channels/ops-history/deliveries?status=dead").body());
        assertThat(dead.path("total").asLong()).isEqualTo(2);
        dead.path("items").forEach(d -> {
            assertThat(d.path("status").asText()).isEqualTo("dead");
            assertThat(d.path("title").asText()).startsWith("reject-me");
            assertThat(d.path("lastError").asText()).contains("400");
            assertThat(d.path("sentAt").isNull()).isTrue();
        });
        assertThat(parse(get("/channels/ops-history/deliveries?status=sent").body()).path("total").asLong()).isEqualTo(3);
        assertThat(parse(get("/channels/ops-history/deliveries?status=pending").body()).path("total").asLong()).isZero();
    }

    @Test
    void badPagingParametersAre400NamingTheField() {
        assertBadParameter("/deliveries?size=0", "size");
        assertBadParameter("/deliveries?size=501", "size");
        assertBadParameter("/deliveries?page=-1", "page");
        assertBadParameter("/deliveries?page=two", "page");
        assertBadParameter("/deliveries?status=lost", "status");
        assertBadParameter("/channels/ops-hook/deliveries?size=ten", "size");
        assertBadParameter("/channels/ops-hook/deliveries?status=SENT", "status");
        HttpResponse<String> r = postEmpty("/channels/ops-hook/test?timeout=0");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(parse(r.body()).path("errors").get(0).path("field").asText()).isEqualTo("timeout");
    }

    @Test
    void unknownIdsAre404Json() {
        for (HttpResponse<String> r : List.of(get("/channels/nope"), get("/channels/nope/deliveries"),
                postEmpty("/channels/nope/test"), postEmpty("/channels/nope/replay"), postEmpty("/deliveries/999999999/replay"),
                postEmpty("/deliveries/not-a-number/replay"))) {
            assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(404);
            assertThat(parse(r.body()).path("error").asText()).isEqualTo("not_found");
            assertThat(parse(r.body()).path("message").asText()).contains("no ");
        }
    }

    @Test
    void replayingAPendingOrSentDeliveryIs409() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/hook")).willReturn(aResponse().withStatus(200)));
        String alert = acceptFor("ops-hook", "already sent");
        long id = ((Number) awaitDelivery(alert, "ops-hook").get("ID")).longValue();
        HttpResponse<String> r = postEmpty("/deliveries/" + id + "/replay");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(parse(r.body()).path("message").asText()).contains("only dead deliveries");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/ops/hook")).withRequestBody(containing("already sent"))))
                .hasSize(1);
    }

    private void assertBadParameter(String path, String field) {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_parameter");
        assertThat(body.path("message").asText()).startsWith(field + ": ");
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo(field);
    }

    static JsonNode byId(JsonNode channels, String id) {
        for (JsonNode c : channels) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no channel " + id + " in " + channels);
    }

    private static List<Long> ids(JsonNode items) {
        List<Long> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path("id").asLong()));
        return out;
    }
}
