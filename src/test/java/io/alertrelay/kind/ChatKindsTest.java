package io.alertrelay.kind;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.Limits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chat kinds built by their kind files alone: google-chat, telegram, rocketchat, webex. */
class ChatKindsTest extends KindTestSupport {

    static final String GCHAT_PATH = "/gchat/v1/spaces/AAAA1234/messages";
    static final String GCHAT_TOKEN = "gt-8sV2kX9qW3eR7tY1uI5oP0";
    static final String TELEGRAM_TOKEN = "123456789:AAHk4fZcM9tQy7LrX2vB8nW5pD3sJ6gE1aU";
    static final String TELEGRAM_PATH = "/telegram/bot" + TELEGRAM_TOKEN + "/sendMessage";
    static final String ROCKET_PATH = "/rocketchat/hooks/64f1a2b3c4d5/rc-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1";
    static final String WEBEX_TOKEN = "wx-MjY4ZTQ1NzEtYjU2Ny00ZDc4LWE5";

    private LoggedRequest only(String path) {
        List<LoggedRequest> all = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void googleChatPostsACardWithTextFallbackInTheFingerprintsThread() {
        WIREMOCK.stubFor(post(urlPathEqualTo(GCHAT_PATH)).willReturn(aResponse().withStatus(200).withBody("{\"name\":\"spaces/AAAA1234/messages/1\"}")));

        String id = accept(alert("google-chat", "title", "Queue <backlog> & lag", "severity", "high", "project", "shop",
                "fingerprint", "queue-lag", "message", "Lag is **12 min**", "url", "https://grafana.example/d/q"));

        assertThat(awaitDelivery(id, "google-chat-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = only(GCHAT_PATH);
        assertThat(r.queryParameter("key").firstValue()).isEqualTo("gk-AIzaSyDdI0hCZtE6vySjMm");
        assertThat(r.queryParameter("token").firstValue()).isEqualTo(GCHAT_TOKEN);
        assertThat(r.queryParameter("threadKey").firstValue()).isEqualTo("queue-lag");
        assertThat(r.queryParameter("messageReplyOption").firstValue()).isEqualTo("REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
        JsonNode body = parse(r.getBodyAsString());
        assertThat(body.path("text").asText()).isEqualTo("[HIGH] Queue <backlog> & lag");
        JsonNode card = body.path("cardsV2").get(0).path("card");
        assertThat(body.path("cardsV2").get(0).path("cardId").asText()).isEqualTo("alert");
        assertThat(card.path("header").path("title").asText()).isEqualTo("[HIGH] Queue <backlog> & lag");
        assertThat(card.path("header").path("subtitle").asText()).isEqualTo("HIGH · firing · shop");
        JsonNode widgets = card.path("sections").get(0).path("widgets");
        assertThat(widgets.get(0).path("textParagraph").path("text").asText()).contains("Lag is 12 min").doesNotContain("**");
        JsonNode button = widgets.get(1).path("buttonList").path("buttons").get(0);
        assertThat(button.path("text").asText()).isEqualTo("View alert");
        assertThat(button.path("onClick").path("openLink").path("url").asText()).isEqualTo("https://grafana.example/d/q");
    }

    @Test
    void googleChatErrorIsReadFromItsJsonAndTheTokenNeverShows() {
        WIREMOCK.stubFor(post(urlPathEqualTo(GCHAT_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload received.\",\"status\":\"INVALID_ARGUMENT\"}}")));
        long before = failedCount("google-chat-ops");

        String id = accept(alert("google-chat", "title", "Refused"));

        assertThat(awaitDelivery(id, "google-chat-ops").get("status")).isEqualTo("dead");
        Map<String, Object> status = awaitFailureRecorded("google-chat-ops", before);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Invalid JSON payload received.")
                .doesNotContain(GCHAT_TOKEN);
        JsonNode preview = preview("google-chat-ops", alert("google-chat", "title", "Preview"));
        assertThat(preview.toString()).doesNotContain(GCHAT_TOKEN).doesNotContain("gk-AIzaSyDdI0hCZtE6vySjMm");
    }

    @Test
    void telegramSendsEscapedHtmlToTheChatWithinTheLimit() {
        WIREMOCK.stubFor(post(urlPathEqualTo(TELEGRAM_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("{\"ok\":true,\"result\":{\"message_id\":7}}")));

        String id = accept(alert("telegram", "title", "5 < 6 & \"x\"", "severity", "critical",
                "message", "<script>alert(1)</script> " + "y".repeat(9000)));

        assertThat(awaitDelivery(id, "telegram-ops").get("status")).isEqualTo("sent");
        JsonNode body = parse(only(TELEGRAM_PATH).getBodyAsString());
        assertThat(body.path("chat_id").asText()).isEqualTo("-1001234567890");
        assertThat(body.path("parse_mode").asText()).isEqualTo("HTML");
        String text = body.path("text").asText();
        assertThat(text).startsWith("<b>[CRITICAL] 5 &lt; 6 &amp; &quot;x&quot;</b>\n\n&lt;script&gt;")
                .doesNotContain("<script>").contains(Limits.MARKER);
        assertThat(text.replaceAll("<[^>]+>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .replace("&quot;", "\"").length()).isLessThanOrEqualTo(4096);
        assertThat(body.path("link_preview_options").path("is_disabled").asBoolean()).isTrue();
    }

    @Test
    void telegramChatNotFoundIsDescribedAndTheTokenMasked() {
        WIREMOCK.stubFor(post(urlPathEqualTo(TELEGRAM_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}")));
        long before = failedCount("telegram-ops");

        String id = accept(alert("telegram", "title", "Nowhere"));

        Map<String, Object> d = awaitDelivery(id, "telegram-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(1);
        Map<String, Object> status = awaitFailureRecorded("telegram-ops", before);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Bad Request: chat not found")
                .doesNotContain(TELEGRAM_TOKEN);
        JsonNode request = preview("telegram-ops", alert("telegram", "title", "Preview")).path("request");
        assertThat(request.path("url").asText()).doesNotContain(TELEGRAM_TOKEN).contains("********");
    }

    @Test
    void telegramTooManyRequestsWaitsForRetryAfter() {
        WIREMOCK.stubFor(post(urlPathEqualTo(TELEGRAM_PATH)).inScenario("flood")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}"))
                .willSetStateTo("ok"));
        WIREMOCK.stubFor(post(urlPathEqualTo(TELEGRAM_PATH)).inScenario("flood").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));

        String id = accept(alert("telegram", "title", "Flood"));

        Map<String, Object> d = awaitDelivery(id, "telegram-ops");
        assertThat(d.get("status")).isEqualTo("sent");
        List<LoggedRequest> all = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(TELEGRAM_PATH)));
        assertThat(all).hasSize(2);
        assertThat(all.get(1).getLoggedDate().getTime() - all.get(0).getLoggedDate().getTime()).isGreaterThanOrEqualTo(900);
    }

    @Test
    void rocketChatPostsAnAttachmentWithColourAndFields() {
        WIREMOCK.stubFor(post(urlPathEqualTo(ROCKET_PATH)).willReturn(aResponse().withStatus(200).withBody("{\"success\":true}")));

        String id = accept(alert("rocketchat", "title", "Disk full", "severity", "critical", "url", "https://grafana.example/d/1",
                "message", "Only *2%* left", "labels", Map.of("host", "db-1")));

        assertThat(awaitDelivery(id, "rocketchat-ops").get("status")).isEqualTo("sent");
        JsonNode body = parse(only(ROCKET_PATH).getBodyAsString());
        assertThat(body.path("text").asText()).isEqualTo("[CRITICAL] Disk full");
        assertThat(body.path("channel").asText()).isEqualTo("#ops");
        assertThat(body.path("alias").asText()).isEqualTo("alert-relay");
        assertThat(body.has("emoji")).isFalse();
        JsonNode att = body.path("attachments").get(0);
        assertThat(att.path("title_link").asText()).isEqualTo("https://grafana.example/d/1");
        assertThat(att.path("color").asText()).isEqualTo("#d00000");
        assertThat(att.path("text").asText()).contains("Only *2%* left");
        assertThat(att.path("fields").toString()).contains("{\"short\":true,\"title\":\"Severity\",\"value\":\"CRITICAL\"}",
                "{\"short\":true,\"title\":\"Label\",\"value\":\"host=db-1\"}");
    }

    @Test
    void rocketChatRefusalIsRecorded() {
        WIREMOCK.stubFor(post(urlPathEqualTo(ROCKET_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"success\":false,\"error\":\"Invalid integration\"}")));
        long before = failedCount("rocketchat-ops");

        String id = accept(alert("rocketchat", "title", "Refused"));

        assertThat(awaitDelivery(id, "rocketchat-ops").get("status")).isEqualTo("dead");
        Map<String, Object> status = awaitFailureRecorded("rocketchat-ops", before);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Invalid integration")
                .doesNotContain("rc-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1");
    }

    @Test
    void webexPostsMarkdownToTheRoomWithTheBotToken() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/webex/v1/messages")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"m1\"}")));

        String id = accept(alert("webex", "title", "Latency high", "severity", "medium", "message", "p99 **2 s**",
                "url", "https://grafana.example/d/l", "labels", Map.of("svc", "api")));

        assertThat(awaitDelivery(id, "webex-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = only("/webex/v1/messages");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + WEBEX_TOKEN);
        JsonNode body = parse(r.getBodyAsString());
        assertThat(body.path("roomId").asText()).isEqualTo("Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIx");
        assertThat(body.path("markdown").asText()).startsWith("**[MEDIUM] Latency high**\n\np99 **2 s**")
                .contains("- **svc:** api", "[View alert](https://grafana.example/d/l)");
        assertThat(body.path("text").asText()).isEqualTo("[MEDIUM] Latency high");
    }

    @Test
    void webexLongMessageIsCutAndARoomErrorIsRecorded() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/webex/v1/messages")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Could not find a room with provided ID.\",\"errors\":[{\"description\":\"Could not find a room with provided ID.\"}],\"trackingId\":\"ROUTER_1\"}")));
        long before = failedCount("webex-ops");

        String id = accept(alert("webex", "title", "Long", "message", "z".repeat(20000)));

        assertThat(awaitDelivery(id, "webex-ops").get("status")).isEqualTo("dead");
        JsonNode body = parse(only("/webex/v1/messages").getBodyAsString());
        assertThat(body.path("markdown").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(7439);
        assertThat(body.path("markdown").asText()).endsWith(Limits.MARKER);
        Map<String, Object> status = awaitFailureRecorded("webex-ops", before);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Could not find a room with provided ID.");
        assertThat(preview("webex-ops", alert("webex", "title", "P")).toString()).doesNotContain(WEBEX_TOKEN);
    }
}
