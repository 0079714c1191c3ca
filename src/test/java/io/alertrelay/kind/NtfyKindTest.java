package io.alertrelay.kind;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

/** ntfy, built by routes/kinds/ntfy.yaml alone: JSON publish, Bearer token, priority and tags. */
@ActiveProfiles({"test", "kinds"})
class NtfyKindTest extends RelayTestSupport {

    static final String TOKEN = "tk_n7f3s9q2w8e4r6t1y5u0";

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    private List<LoggedRequest> requests() {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/ntfy")));
    }

    @Test
    void publishesJsonWithPriorityTagsAndToken() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ntfy")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"abc\",\"event\":\"message\"}")));

        String id = accept(Map.of("title", "Disk \"full\" on db-1", "severity", "critical",
                "message", "Only **2%** left", "url", "https://grafana.example/d/1",
                "labels", Map.of("route", "ntfy", "host", "db-1")));

        assertThat(awaitDelivery(id, "ntfy-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = requests().get(0);
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = parse(r.getBodyAsString());
        assertThat(body.path("topic").asText()).isEqualTo("ops-alerts");
        assertThat(body.path("title").asText()).isEqualTo("[CRITICAL] Disk \"full\" on db-1");
        assertThat(body.path("message").asText()).contains("Only **2%** left").contains("- host: db-1");
        assertThat(body.path("markdown").asBoolean()).isTrue();
        assertThat(body.path("priority").isInt()).isTrue();
        assertThat(body.path("priority").asInt()).isEqualTo(5);
        assertThat(body.path("click").asText()).isEqualTo("https://grafana.example/d/1");
        assertThat(body.path("tags").toString()).isEqualTo("[\"critical\",\"prod\",\"shop\"]");
    }

    @Test
    void resolvedAlertGetsACheckMarkAndNoClickWithoutUrl() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ntfy")).willReturn(aResponse().withStatus(200)));

        String id = accept(Map.of("title", "Disk ok", "severity", "low", "status", "resolved",
                "labels", Map.of("route", "ntfy")));

        assertThat(awaitDelivery(id, "ntfy-ops").get("status")).isEqualTo("sent");
        JsonNode body = parse(requests().get(0).getBodyAsString());
        assertThat(body.path("priority").asInt()).isEqualTo(2);
        assertThat(body.path("tags").get(0).asText()).isEqualTo("white_check_mark");
        assertThat(body.has("click")).isFalse();
    }

    @Test
    void forbiddenIsRecordedWithNtfysErrorAndNotRetried() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ntfy")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":40301,\"http\":403,\"error\":\"forbidden\",\"link\":\"https://ntfy.sh/docs/publish/#authentication\"}")));
        long failedBefore = ((Number) channelStatus("ntfy-ops").get("failed_count")).longValue();

        String id = accept(Map.of("title", "Refused", "labels", Map.of("route", "ntfy")));

        Map<String, Object> d = awaitDelivery(id, "ntfy-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(1);
        await("failure fields", () -> ((Number) channelStatus("ntfy-ops").get("failed_count")).longValue() > failedBefore);
        Map<String, Object> status = channelStatus("ntfy-ops");
        assertThat(status.get("last_failure_error_type")).isEqualTo("auth_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(403);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 403").endsWith(": forbidden");
    }

    @Test
    void serverErrorIsRetried() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ntfy")).willReturn(aResponse().withStatus(503)));

        String id = accept(Map.of("title", "Down", "labels", Map.of("route", "ntfy")));

        Map<String, Object> d = awaitDelivery(id, "ntfy-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(3);
        assertThat(requests()).hasSize(3);
    }

    @Test
    void previewMasksTheTokenAndSendsNothing() {
        HttpResponse<String> r = postJson("/channels/ntfy-ops/preview", Map.of("title", "Preview me", "severity", "high"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN);
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("headers").path("Authorization").asText()).isEqualTo("Bearer ********");
        assertThat(request.path("body").path("priority").asInt()).isEqualTo(4);
        assertThat(request.path("body").path("title").asText()).isEqualTo("[HIGH] Preview me");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }

    @Test
    void channelsListShowsTheTokenMaskedAndTheKindsRateLimit() {
        HttpResponse<String> r = send(java.net.http.HttpRequest.newBuilder(uri("/channels/ntfy-ops")).GET().build());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN);
        JsonNode channel = parse(r.body());
        assertThat(channel.path("config").path("token").asText()).isEqualTo("********");
        assertThat(channel.path("config").path("url").asText()).endsWith("/ntfy");
    }
}
