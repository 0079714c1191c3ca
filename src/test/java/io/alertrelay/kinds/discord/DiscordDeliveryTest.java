package io.alertrelay.kinds.discord;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.alertrelay.kinds.slack.ChatFixtures.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.Limits;
import io.alertrelay.kinds.slack.ChatFixtures;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "chat"})
class DiscordDeliveryTest extends RelayTestSupport {

    static final String TOKEN = "dc-7e6d5c4b3a2f1e0d";
    static final String PATH = "/discord/api/webhooks/123456/" + TOKEN;

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    /**
     * What Discord answers a webhook execution with ?wait=true: 200 and the saved message
     * (https://discord.com/developers/docs/resources/webhook#execute-webhook, message object).
     */
    static ResponseDefinitionBuilder saved() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"1249337829812711445\",\"type\":0,\"content\":\"\",\"channel_id\":\"1090318394712031262\","
                        + "\"author\":{\"id\":\"123456\",\"username\":\"Alert Relay\",\"bot\":true},\"embeds\":[],"
                        + "\"mentions\":[],\"mention_roles\":[],\"attachments\":[],\"pinned\":false,\"mention_everyone\":false,"
                        + "\"tts\":false,\"timestamp\":\"2024-05-01T10:05:01.123000+00:00\",\"edited_timestamp\":null,"
                        + "\"flags\":0,\"components\":[],\"webhook_id\":\"123456\"}");
    }

    private long failedCount(String channel) {
        return ((Number) channelStatus(channel).get("failed_count")).longValue();
    }

    /** The delivery row turns dead just before the channel's failure fields are written; wait for those too. */
    private Map<String, Object> awaitFailureRecorded(String channel, long failedBefore) {
        await("failure fields of " + channel, () -> failedCount(channel) > failedBefore);
        return channelStatus(channel);
    }

    private List<LoggedRequest> requests() {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    }

    /** The characters Discord counts against its 6000 per message: title, description, field names and values. */
    private static int embedChars(JsonNode embed) {
        int n = embed.path("title").asText().length() + embed.path("description").asText().length();
        for (JsonNode f : embed.path("fields")) {
            n += f.path("name").asText().length() + f.path("value").asText().length();
        }
        return n;
    }

    @Test
    void embedWithColourFieldsTimestampAndNoMentions() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(saved()));

        String id = accept(alert("title", "Queue backlog", "severity", "high", "project", "shop", "source", "bugsink",
                "url", "https://tracker.example/issues/5", "lastSeen", "2024-05-01T10:05:00Z", "eventCount", 7,
                "message", "**12k** messages waiting\n\n@everyone look <@&123>", "labels", Map.of("route", "discord")));

        Map<String, Object> delivery = awaitDelivery(id, "discord-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(requests.get(0).queryParameter("wait").values()).containsExactly("true");
        JsonNode root = parse(requests.get(0).getBodyAsString());

        assertThat(root.path("username").asText()).isEqualTo("Alert Relay");
        assertThat(root.path("avatar_url").asText()).isEqualTo("https://relay.example/avatar.png");
        assertThat(root.has("content")).isFalse();
        assertThat(root.path("allowed_mentions").path("parse").isArray()).isTrue();
        assertThat(root.path("allowed_mentions").path("parse")).isEmpty();

        assertThat(root.path("embeds")).hasSize(1);
        JsonNode embed = root.path("embeds").get(0);
        assertThat(embed.path("title").asText()).isEqualTo("[HIGH] Queue backlog");
        assertThat(embed.path("url").asText()).isEqualTo("https://tracker.example/issues/5");
        assertThat(embed.path("color").isInt()).isTrue();
        assertThat(embed.path("color").asInt()).isEqualTo(0xE65100);
        assertThat(embed.path("timestamp").asText()).isEqualTo("2024-05-01T10:05:00Z");
        assertThat(embed.path("description").asText()).contains("**12k** messages waiting", "@everyone look", "- **route:** discord");
        List<String> fields = new ArrayList<>();
        embed.path("fields").forEach(f -> {
            assertThat(f.path("inline").asBoolean()).isTrue();
            fields.add(f.path("name").asText() + "=" + f.path("value").asText());
        });
        assertThat(fields).containsExactly("Severity=HIGH", "Status=firing", "Project=shop", "Source=bugsink", "Events=7");
    }

    @Test
    void rateLimitIsRetriedAfterRetryAfterThenTheSavedMessageIsSuccess() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"You are being rate limited.\",\"retry_after\":1.0,\"global\":false}"))
                .willSetStateTo("open"));
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).inScenario("limited").whenScenarioStateIs("open")
                .willReturn(saved()));

        String id = accept(alert("title", "Discord is busy", "labels", Map.of("route", "discord")));

        Map<String, Object> delivery = awaitDelivery(id, "discord-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(2);
        long waited = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(waited).isGreaterThanOrEqualTo(900);
        // a success clears the failure fields a moment after the delivery row turns sent
        await("failure fields of discord-ops cleared", () -> channelStatus("discord-ops").get("last_failure_error_type") == null);
    }

    @Test
    void threadIdIsKeptAndWaitIsAlwaysTrue() {
        String path = "/discord/api/webhooks/654321/dc-thread-0f1e2d3c4b5a";
        WIREMOCK.stubFor(post(urlPathEqualTo(path)).willReturn(saved()));

        String id = accept(alert("title", "Into the thread", "labels", Map.of("route", "discord-thread")));

        assertThat(awaitDelivery(id, "discord-thread").get("status")).isEqualTo("sent");
        LoggedRequest r = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path))).get(0);
        assertThat(r.queryParameter("thread_id").values()).containsExactly("987654");
        assertThat(r.queryParameter("wait").values()).containsExactly("true");
    }

    @Test
    void anAnswerWithoutTheSavedMessageIsAFailureNotASilentSuccess() {
        // a 204 is what Discord answers without wait=true, before it has saved anything
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(204)));

        long failedBefore = failedCount("discord-ops");
        String id = accept(alert("title", "Maybe never posted", "labels", Map.of("route", "discord")));

        Map<String, Object> delivery = awaitDelivery(id, "discord-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        // it may have been posted after all: not sent twice
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requests()).hasSize(1);
        Map<String, Object> status = awaitFailureRecorded("discord-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("unconfirmed");
        assertThat((String) status.get("last_failure_error_message"))
                .contains("Discord answered 204 with no body instead of the saved message").doesNotContain(TOKEN);

        // a 200 that is not a message (a proxy's page) is no confirmation either
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("OK")));
        String second = accept(alert("title", "Proxy said OK", "labels", Map.of("route", "discord")));
        assertThat(awaitDelivery(second, "discord-ops").get("status")).isEqualTo("dead");
        await("failure of the second", () -> String.valueOf(channelStatus("discord-ops").get("last_failure_error_message"))
                .contains("Discord answered 200 with \"OK\""));
    }

    @Test
    void serverErrorsAreRetriedThenTheDeliveryIsDead() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html>502 Bad Gateway</html>")));

        long failedBefore = failedCount("discord-ops");
        String id = accept(alert("title", "Discord down", "labels", Map.of("route", "discord")));

        Map<String, Object> delivery = awaitDelivery(id, "discord-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat(requests()).hasSize(3);
        Map<String, Object> status = awaitFailureRecorded("discord-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(502);
        assertThat(status.get("last_failure_response_text")).isEqualTo("<html>502 Bad Gateway</html>");
        assertThat(status.get("last_failure_is_json")).isEqualTo(false);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 502").doesNotContain(TOKEN);
    }

    @Test
    void invalidFormBodyNamesTheFieldAndIsNotRetried() {
        String answer = "{\"code\":50035,\"errors\":{\"embeds\":{\"0\":{\"description\":{\"_errors\":[{\"code\":"
                + "\"BASE_TYPE_MAX_LENGTH\",\"message\":\"Must be 4096 or fewer in length.\"}]}}}},\"message\":\"Invalid Form Body\"}";
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(answer)));

        long failedBefore = failedCount("discord-ops");
        String id = accept(alert("title", "Refused embed", "labels", Map.of("route", "discord")));

        Map<String, Object> delivery = awaitDelivery(id, "discord-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requests()).hasSize(1);
        Map<String, Object> status = awaitFailureRecorded("discord-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(400);
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
        assertThat((String) status.get("last_failure_error_message"))
                .contains("Invalid Form Body (code 50035): embeds.0.description: Must be 4096 or fewer in length.");
    }

    @Test
    void hostileMegabyteMessageStaysWithinEmbedLimits() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(saved()));
        String title = "\"Quoted\" <b>title</b> 🚨 & \u0001 " + "x".repeat(900);

        String id = accept(alert("title", title, "project", "p".repeat(255), "source", "s".repeat(255),
                "message", ChatFixtures.hostileMessage(json), "labels", Map.of("route", "discord")));

        assertThat(awaitDelivery(id, "discord-ops").get("status")).isEqualTo("sent");
        JsonNode root = parse(requests().get(0).getBodyAsString());
        JsonNode embed = root.path("embeds").get(0);
        assertThat(embed.path("title").asText()).hasSizeLessThanOrEqualTo(256).endsWith(Limits.MARKER);
        String description = embed.path("description").asText();
        assertThat(description).hasSizeLessThanOrEqualTo(4096).endsWith(Limits.MARKER).contains("He said \"stop\"");
        assertThat(embed.path("fields").size()).isLessThanOrEqualTo(25);
        embed.path("fields").forEach(f -> {
            assertThat(f.path("name").asText()).hasSizeLessThanOrEqualTo(256);
            assertThat(f.path("value").asText()).hasSizeLessThanOrEqualTo(1024);
        });
        assertThat(embedChars(embed)).isLessThanOrEqualTo(6000);
        assertThat(root.path("allowed_mentions").path("parse")).isEmpty();
    }

    @Test
    void previewShowsTheEmbedAndMasksTheWebhookUrl() {
        HttpResponse<String> r = postJson("/channels/discord-ops/preview", alert("title", "Preview me", "severity", "info"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("/discord/api/webhooks");
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        // the token stays hidden; the parameter the relay adds is shown
        assertThat(request.path("url").asText()).isEqualTo("********?wait=true");
        JsonNode embed = request.path("body").path("embeds").get(0);
        assertThat(embed.path("title").asText()).isEqualTo("[INFO] Preview me");
        assertThat(embed.path("color").asInt()).isEqualTo(0x9E9E9E);
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }
}
