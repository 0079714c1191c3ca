package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.RelayTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "core"})
class WebhookDeliveryTest extends RelayTestSupport {

    private static final String SIGNATURE_HEADER = "X-Signature-256";

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @Test
    void signedWebhookCarriesConfiguredHeadersAndAValidSignatureOfTheExactBody() throws Exception {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/signed")).willReturn(aResponse().withStatus(204)));

        String id = accept(Map.of("title", "Disk full on db1", "severity", "high", "message", "**95%** used",
                "labels", Map.of("route", "signed", "host", "db1"), "details", Map.of("free", 5)));

        Map<String, Object> delivery = awaitDelivery(id, "hook-signed");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);

        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/signed")));
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.queryParameter("team").firstValue()).isEqualTo("ops");
        assertThat(r.getHeader("X-Relay-Token")).isEqualTo("s3cr3t-token-value");
        assertThat(r.getHeader("X-Env")).isEqualTo("test");
        assertThat(r.getHeader("X-Team")).isEqualTo("ops");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        String body = r.getBodyAsString();
        assertThat(r.getHeader(SIGNATURE_HEADER))
                .isEqualTo("sha256=" + hmacSha256Hex("hmac-key-for-tests", body));
        // nothing of the relay's own exchange state leaks into the request
        assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(r.getHeaders().keys()).doesNotContain("deliveryId", "channelId");

        JsonNode json = parse(body);
        assertThat(json.path("channel").asText()).isEqualTo("hook-signed");
        assertThat(json.path("title").asText()).isEqualTo("[HIGH] Disk full on db1");
        assertThat(json.path("alert").path("id").asText()).isEqualTo(id);
        assertThat(json.path("alert").path("severity").asText()).isEqualTo("high");
        assertThat(json.path("alert").path("labels").path("host").asText()).isEqualTo("db1");
        assertThat(json.path("alert").path("details").path("free").asInt()).isEqualTo(5);
        assertThat(json.path("text").asText()).contains("**95%** used");

        Map<String, Object> status = channelStatus("hook-signed");
        assertThat(((Number) status.get("sent_count")).longValue()).isGreaterThanOrEqualTo(1);
        assertThat(status.get("last_success_timestamp")).isNotNull();
    }

    /** What a receiver computes: HMAC-SHA256 of the raw body with the shared secret, in hex. */
    private static String hmacSha256Hex(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void standardWebhooksHeadersVerifyAndTheIdStaysTheSameAcrossRetries() throws Exception {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/standard")).inScenario("std").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/standard")).inScenario("std").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        long before = Instant.now().getEpochSecond();

        String id = accept(Map.of("title", "Signed the standard way", "labels", Map.of("route", "standard")));

        assertThat(awaitDelivery(id, "hook-standard").get("status")).isEqualTo("sent");
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/standard")));
        assertThat(requests).hasSize(2);
        byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        for (LoggedRequest r : requests) {
            String msgId = r.getHeader("webhook-id");
            String timestamp = r.getHeader("webhook-timestamp");
            assertThat(msgId).startsWith("msg_").doesNotContain(".");
            assertThat(Long.parseLong(timestamp)).isBetween(before, Instant.now().getEpochSecond());
            // verified as a receiver would: HMAC-SHA256 of "id.timestamp.body" with the decoded key
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String expected = Base64.getEncoder().encodeToString(
                    mac.doFinal((msgId + "." + timestamp + "." + r.getBodyAsString()).getBytes(StandardCharsets.UTF_8)));
            assertThat(r.getHeader("webhook-signature")).isEqualTo("v1," + expected);
            assertThat(r.containsHeader(SIGNATURE_HEADER)).isFalse();
        }
        // the idempotency key: one delivery, one id, however often it is tried
        assertThat(requests.get(0).getHeader("webhook-id")).isEqualTo(requests.get(1).getHeader("webhook-id"));
        String other = accept(Map.of("title", "Another one", "labels", Map.of("route", "standard")));
        assertThat(awaitDelivery(other, "hook-standard").get("status")).isEqualTo("sent");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/standard"))).get(2).getHeader("webhook-id"))
                .isNotEqualTo(requests.get(0).getHeader("webhook-id"));
    }

    @Test
    void minimalPayloadWithPutAndACustomTitleTemplate() {
        WIREMOCK.stubFor(put(urlPathEqualTo("/hooks/minimal")).willReturn(aResponse().withStatus(200)));

        String id = accept(Map.of("title", "Queue backlog", "project", "shop", "url", "https://tracker.example/1",
                "labels", Map.of("route", "minimal")));

        assertThat(awaitDelivery(id, "hook-minimal-put").get("status")).isEqualTo("sent");
        LoggedRequest r = WIREMOCK.findAll(putRequestedFor(urlPathEqualTo("/hooks/minimal"))).get(0);
        JsonNode json = parse(r.getBodyAsString());
        assertThat(json.path("title").asText()).isEqualTo("Queue backlog (shop)");
        assertThat(json.path("severity").asText()).isEqualTo("medium");
        assertThat(json.path("status").asText()).isEqualTo("firing");
        assertThat(json.path("url").asText()).isEqualTo("https://tracker.example/1");
        assertThat(json.has("alert")).isFalse();
        assertThat(r.getHeader(SIGNATURE_HEADER)).isNull();
    }

    @Test
    void serverErrorsAreRetriedThenTheDeliveryIsDeadWithTheFailureFieldsStored() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"maintenance window\"}")));

        String id = accept(Map.of("title", "Flaky target", "labels", Map.of("route", "flaky")));

        Map<String, Object> delivery = awaitDelivery(id, "hook-flaky");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat((String) delivery.get("last_error")).contains("HTTP 503");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/flaky")))).hasSize(3);

        Map<String, Object> status = channelStatus("hook-flaky");
        assertThat(status.get("last_failure_timestamp")).isNotNull();
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(503);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 503").contains("maintenance window");
        assertThat(status.get("last_failure_response_text")).isEqualTo("{\"message\":\"maintenance window\"}");
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
        assertThat(((Number) status.get("failed_count")).longValue()).isGreaterThanOrEqualTo(1);

        // the next success clears the failure fields
        WIREMOCK.resetAll();
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(200)));
        String next = accept(Map.of("title", "Flaky target recovered", "labels", Map.of("route", "flaky")));
        assertThat(awaitDelivery(next, "hook-flaky").get("status")).isEqualTo("sent");
        Map<String, Object> cleared = channelStatus("hook-flaky");
        assertThat(cleared.get("last_failure_timestamp")).isNull();
        assertThat(cleared.get("last_failure_error_type")).isNull();
        assertThat(cleared.get("last_failure_status_code")).isNull();
        assertThat(cleared.get("last_failure_response_text")).isNull();
        assertThat(cleared.get("last_success_timestamp")).isNotNull();
    }

    @Test
    void clientErrorsAreNotRetried() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(400)
                .withBody("bad request: field x")));

        String id = accept(Map.of("title", "Rejected", "labels", Map.of("route", "flaky")));

        Map<String, Object> delivery = awaitDelivery(id, "hook-flaky");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/flaky")))).hasSize(1);
        Map<String, Object> status = channelStatus("hook-flaky");
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(400);
        assertThat(status.get("last_failure_response_text")).isEqualTo("bad request: field x");
        assertThat(status.get("last_failure_is_json")).isEqualTo(false);
    }

    @Test
    void retryAfterIsHonouredOnRateLimits() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("open"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("limited")
                .whenScenarioStateIs("open").willReturn(aResponse().withStatus(200)));

        String id = accept(Map.of("title", "Rate limited", "labels", Map.of("route", "flaky")));

        Map<String, Object> delivery = awaitDelivery(id, "hook-flaky");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/flaky")));
        assertThat(requests).hasSize(2);
        long waited = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        // the test profile's backoff is 50 ms; only Retry-After explains a wait of a second
        assertThat(waited).isGreaterThanOrEqualTo(900);
    }

    @Test
    void connectionErrorsAreRetriedAndRecorded() {
        String id = accept(Map.of("title", "Nobody home", "labels", Map.of("route", "refused")));

        Map<String, Object> delivery = awaitDelivery(id, "hook-refused");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        Map<String, Object> status = channelStatus("hook-refused");
        assertThat(status.get("last_failure_error_type")).isEqualTo("connection");
        assertThat(status.get("last_failure_status_code")).isNull();
        assertThat((String) status.get("last_failure_error_message")).isNotBlank().doesNotContain("nobody-listens");
    }

    @Test
    void tlsVerificationIsOnUnlessTheChannelTurnsItOff() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/tls")).willReturn(aResponse().withStatus(200)));

        String off = accept(Map.of("title", "Self-signed target", "labels", Map.of("route", "tls-off")));
        String on = accept(Map.of("title", "Self-signed target", "labels", Map.of("route", "tls-on")));

        assertThat(awaitDelivery(off, "hook-tls-off").get("status")).isEqualTo("sent");
        Map<String, Object> refused = awaitDelivery(on, "hook-tls-on");
        assertThat(refused.get("status")).isEqualTo("dead");
        assertThat(refused.get("attempts")).isEqualTo(1);
        assertThat(channelStatus("hook-tls-on").get("last_failure_error_type")).isEqualTo("tls_error");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/tls")))).hasSize(1);
    }
}
