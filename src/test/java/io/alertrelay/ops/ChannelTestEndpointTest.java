package io.alertrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST /channels/{id}/test: a marked test alert through one channel, and its outcome in the answer. */
class ChannelTestEndpointTest extends OpsTestSupport {

    @Test
    void webhookTestIsSentThroughThatChannelOnly() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/probe")).willReturn(aResponse().withStatus(200)));
        HttpResponse<String> r = postEmpty("/channels/ops-probe/test");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = parse(r.body());
        assertThat(result.path("channel").asText()).isEqualTo("ops-probe");
        assertThat(result.path("kind").asText()).isEqualTo("webhook");
        assertThat(result.path("outcome").asText()).isEqualTo("sent");
        assertThat(result.path("failure").isNull()).isTrue();
        JsonNode step = result.path("steps").get(0);
        assertThat(result.path("steps")).hasSize(1);
        assertThat(step.path("action").asText()).isEqualTo("trigger");
        assertThat(step.path("status").asText()).isEqualTo("sent");
        assertThat(step.path("attempts").asInt()).isEqualTo(1);

        JsonNode sent = requestFor("/ops/probe", step.path("deliveryId").asLong());
        assertThat(sent.path("alert").path("title").asText()).startsWith("[TEST]");
        assertThat(sent.path("alert").path("reason").asText()).isEqualTo("test");
        assertThat(sent.path("alert").path("labels").path("alert-relay-test").asText()).isEqualTo("true");
        assertThat(jdbc.queryForList("SELECT channel_id FROM deliveries WHERE alert_id = ?", String.class,
                step.path("alertId").asText())).containsExactly("ops-probe");
    }

    @Test
    void failingWebhookTestReportsTheFailureFields() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/probe")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/plain").withBody("down for maintenance")));
        HttpResponse<String> r = postEmpty("/channels/ops-probe/test");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = parse(r.body());
        assertThat(result.path("outcome").asText()).isEqualTo("failed");
        JsonNode step = result.path("steps").get(0);
        assertThat(step.path("status").asText()).isEqualTo("dead");
        assertThat(step.path("attempts").asInt()).as("503 is retried like any delivery (3 tries in tests)").isEqualTo(3);
        JsonNode failure = result.path("failure");
        assertThat(failure.path("errorType").asText()).isEqualTo("server_error");
        assertThat(failure.path("statusCode").asInt()).isEqualTo(503);
        assertThat(failure.path("responseText").asText()).contains("down for maintenance");
        assertThat(failure.path("responseIsJson").asBoolean()).isFalse();
    }

    @Test
    void stillRetryingAtTheDeadlineIsAPending202() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/probe")).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
        HttpResponse<String> r = postEmpty("/channels/ops-probe/test?timeout=1");

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode result = parse(r.body());
        assertThat(result.path("outcome").asText()).isEqualTo("pending");
        assertThat(result.path("steps").get(0).path("status").asText()).isEqualTo("pending");
        String alertId = result.path("steps").get(0).path("alertId").asText();
        assertThat(awaitDelivery(alertId, "ops-probe").get("STATUS")).as("it still goes out").isEqualTo("sent");
    }

    @Test
    void pagerDutyTestTriggersThenResolvesTheSameIncident() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/pd/enqueue")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
        HttpResponse<String> r = postEmpty("/channels/ops-pd/test");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = parse(r.body());
        assertThat(result.path("outcome").asText()).isEqualTo("sent");
        assertThat(result.path("steps")).hasSize(2);
        assertThat(result.path("steps").get(0).path("action").asText()).isEqualTo("trigger");
        assertThat(result.path("steps").get(1).path("action").asText()).isEqualTo("resolve");
        result.path("steps").forEach(s -> assertThat(s.path("status").asText()).isEqualTo("sent"));

        List<JsonNode> events = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/ops/pd/enqueue"))).stream()
                .map(LoggedRequest::getBodyAsString).map(this::parse)
                .filter(e -> e.path("dedup_key").asText().startsWith("alert-relay-test-ops-pd-")).toList();
        assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(events.get(1).path("dedup_key").asText()).isEqualTo(events.get(0).path("dedup_key").asText());
        assertThat(events.get(0).path("payload").path("summary").asText()).contains("[TEST]");
    }

    @Test
    void aDisabledChannelCanBeTestedBeforeItIsEnabled() {
        HttpResponse<String> r = postEmpty("/channels/ops-off/test");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(parse(r.body()).path("outcome").asText()).isEqualTo("sent");
    }

    private JsonNode requestFor(String path, long deliveryId) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(LoggedRequest::getBodyAsString).map(this::parse)
                .filter(b -> b.path("deliveryId").asLong() == deliveryId).findFirst()
                .orElseThrow(() -> new AssertionError("no request for delivery " + deliveryId));
    }
}
