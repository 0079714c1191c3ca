package io.alertrelay.kind;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** routes/kinds/opsgenie.yaml: Alert API v2 create, acknowledge and close on alias = fingerprint. */
class OpsgenieKindTest extends KindTestSupport {

    static final String KEY = "og-3f2e1d0c-9b8a-4756-a3b2-c1d0e9f8a7b6";
    static final String ACCEPTED = "{\"result\":\"Request will be processed\",\"took\":0.2,\"requestId\":\"43a29c5c\"}";

    @Test
    void createsAcknowledgesAndClosesOnTheFingerprintAlias() {
        WIREMOCK.stubFor(post(urlPathMatching("/opsgenie/v2/alerts.*")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(ACCEPTED)));

        String fired = accept(alert("opsgenie", "title", "DB down", "severity", "high", "fingerprint", "db/primary down",
                "source", "prometheus", "project", "shop", "message", "Primary **unreachable**", "labels", Map.of("env", "prod")));
        assertThat(awaitDelivery(fired, "opsgenie-ops").get("status")).isEqualTo("sent");
        String acked = accept(alert("opsgenie", "title", "DB down", "fingerprint", "db/primary down", "status", "acknowledged"));
        assertThat(awaitDelivery(acked, "opsgenie-ops").get("status")).isEqualTo("sent");
        String closed = accept(alert("opsgenie", "title", "DB down", "fingerprint", "db/primary down", "status", "resolved"));
        assertThat(awaitDelivery(closed, "opsgenie-ops").get("status")).isEqualTo("sent");

        List<LoggedRequest> creates = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/opsgenie/v2/alerts")));
        assertThat(creates).hasSize(1);
        LoggedRequest create = creates.get(0);
        assertThat(create.getHeader("Authorization")).isEqualTo("GenieKey " + KEY);
        JsonNode body = parse(create.getBodyAsString());
        assertThat(body.path("message").asText()).isEqualTo("[HIGH] DB down");
        assertThat(body.path("alias").asText()).isEqualTo("db/primary down");
        assertThat(body.path("priority").asText()).isEqualTo("P2");
        assertThat(body.path("source").asText()).isEqualTo("prometheus");
        assertThat(body.path("entity").asText()).isEqualTo("shop");
        assertThat(body.path("description").asText()).contains("Primary **unreachable**");
        assertThat(body.path("tags").toString()).isEqualTo("[\"high\",\"prod\"]");
        assertThat(body.path("details").path("env").asText()).isEqualTo("prod");
        assertThat(body.path("responders").toString())
                .isEqualTo("[{\"name\":\"ops\",\"type\":\"team\"},{\"name\":\"dba\",\"type\":\"team\"}]");

        List<LoggedRequest> acks = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/opsgenie/v2/alerts/db%2Fprimary%20down/acknowledge")));
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).queryParameter("identifierType").firstValue()).isEqualTo("alias");
        assertThat(parse(acks.get(0).getBodyAsString()).path("source").asText()).isEqualTo("alert-relay");
        List<LoggedRequest> closes = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/opsgenie/v2/alerts/db%2Fprimary%20down/close")));
        assertThat(closes).hasSize(1);
        assertThat(closes.get(0).getHeader("Authorization")).isEqualTo("GenieKey " + KEY);
    }

    @Test
    void criticalIsP1AndLongTitlesAreCutTo130WithTheMarker() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/opsgenie/v2/alerts")).willReturn(aResponse().withStatus(202).withBody(ACCEPTED)));

        String id = accept(alert("opsgenie", "title", "x".repeat(300), "severity", "critical"));

        assertThat(awaitDelivery(id, "opsgenie-ops").get("status")).isEqualTo("sent");
        JsonNode body = parse(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/opsgenie/v2/alerts"))).get(0).getBodyAsString());
        assertThat(body.path("priority").asText()).isEqualTo("P1");
        assertThat(body.path("message").asText()).hasSize(130).endsWith(io.alertrelay.delivery.Limits.MARKER);
    }

    @Test
    void invalidKeyIsAnAuthErrorWithOpsgeniesMessage() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/opsgenie/v2/alerts")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Key format is not valid!\",\"took\":0.001,\"requestId\":\"9d1b\"}")));
        long before = failedCount("opsgenie-ops");

        String id = accept(alert("opsgenie", "title", "Refused"));

        Map<String, Object> d = awaitDelivery(id, "opsgenie-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(1);
        Map<String, Object> status = awaitFailureRecorded("opsgenie-ops", before);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(422);
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Key format is not valid!").doesNotContain(KEY);
    }

    @Test
    void rateLimitedIsRetried() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/opsgenie/v2/alerts")).inScenario("limit")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withBody("{\"message\":\"You are making too many requests!\"}"))
                .willSetStateTo("free"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/opsgenie/v2/alerts")).inScenario("limit").whenScenarioStateIs("free")
                .willReturn(aResponse().withStatus(202).withBody(ACCEPTED)));

        String id = accept(alert("opsgenie", "title", "Busy"));

        Map<String, Object> d = awaitDelivery(id, "opsgenie-ops");
        assertThat(d.get("status")).isEqualTo("sent");
        assertThat(d.get("attempts")).isEqualTo(2);
    }

    @Test
    void previewMasksTheGenieKey() {
        JsonNode request = preview("opsgenie-ops", alert("opsgenie", "title", "Preview")).path("request");
        assertThat(request.toString()).doesNotContain(KEY);
        assertThat(request.path("headers").path("Authorization").asText()).isEqualTo("GenieKey ********");
        assertThat(request.path("url").asText()).endsWith("/opsgenie/v2/alerts");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }
}
