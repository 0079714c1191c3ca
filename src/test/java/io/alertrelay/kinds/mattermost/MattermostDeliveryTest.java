package io.alertrelay.kinds.mattermost;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.alertrelay.kinds.slack.ChatFixtures.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
class MattermostDeliveryTest extends RelayTestSupport {

    static final String TOKEN = "mm-5f4e3d2c1b0a9f8e";
    static final String PATH = "/mattermost/hooks/" + TOKEN;

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
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

    @Test
    void slackCompatibleAttachmentWithMarkdownColourAndFields() {
        // what Mattermost answers a good webhook post
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody("ok")));

        String id = accept(alert("title", "Disk full on db1", "severity", "critical", "project", "infra",
                "source", "netbox", "eventCount", 3, "url", "https://tracker.example/issues/3",
                "message", "**95%** used on `/var`\n\n| a | b |\n|---|---|\n| 1 | 2 |",
                "labels", Map.of("route", "mattermost")));

        Map<String, Object> delivery = awaitDelivery(id, "mattermost-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Content-Type")).startsWith("application/json");
        JsonNode root = parse(requests.get(0).getBodyAsString());

        assertThat(root.path("channel").asText()).isEqualTo("town-square");
        assertThat(root.path("username").asText()).isEqualTo("alert-relay");
        assertThat(root.path("icon_url").asText()).isEqualTo("https://relay.example/icon.png");
        assertThat(root.has("icon_emoji")).isFalse();
        // alert text stays out of the post message, where Mattermost would act on @channel
        assertThat(root.has("text")).isFalse();

        assertThat(root.path("attachments")).hasSize(1);
        JsonNode a = root.path("attachments").get(0);
        assertThat(a.path("fallback").asText()).isEqualTo("[CRITICAL] Disk full on db1");
        assertThat(a.path("title").asText()).isEqualTo("[CRITICAL] Disk full on db1");
        assertThat(a.path("title_link").asText()).isEqualTo("https://tracker.example/issues/3");
        assertThat(a.path("color").asText()).isEqualTo("#B71C1C");
        // Mattermost renders standard Markdown: passed as written, tables included
        assertThat(a.path("text").asText()).contains("**95%** used on `/var`", "| a | b |", "- **route:** mattermost");
        List<String> fields = new ArrayList<>();
        a.path("fields").forEach(f -> {
            assertThat(f.path("short").asBoolean()).isTrue();
            fields.add(f.path("title").asText() + "=" + f.path("value").asText());
        });
        assertThat(fields).containsExactly("Severity=CRITICAL", "Status=firing", "Project=infra", "Source=netbox", "Events=3");
    }

    @Test
    void mattermostJsonErrorsAreDescribedAndNotRetried() {
        String answer = "{\"id\":\"web.incoming_webhook.invalid.app_error\",\"message\":\"Invalid webhook.\","
                + "\"detailed_error\":\"\",\"request_id\":\"q1w2e3\",\"status_code\":400}";
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(answer)));

        long failedBefore = failedCount("mattermost-ops");
        String id = accept(alert("title", "Webhook deleted", "labels", Map.of("route", "mattermost")));

        Map<String, Object> delivery = awaitDelivery(id, "mattermost-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requests()).hasSize(1);
        Map<String, Object> status = awaitFailureRecorded("mattermost-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(400);
        assertThat(status.get("last_failure_response_text")).isEqualTo(answer);
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
        assertThat((String) status.get("last_failure_error_message"))
                .contains("Invalid webhook. (web.incoming_webhook.invalid.app_error)").doesNotContain(TOKEN);
    }

    @Test
    void hostileMegabyteMessageIsCutToThePostLimit() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));

        String id = accept(alert("title", "\"Quoted\" <b>title</b> 🚨\nsecond line", "severity", "low",
                "message", ChatFixtures.hostileMessage(json), "labels", Map.of("route", "mattermost")));

        assertThat(awaitDelivery(id, "mattermost-ops").get("status")).isEqualTo("sent");
        JsonNode a = parse(requests().get(0).getBodyAsString()).path("attachments").get(0);
        String text = a.path("text").asText();
        assertThat(text.length()).isLessThanOrEqualTo(16383);
        assertThat(text).endsWith(Limits.MARKER).contains("He said \"stop\"").contains("<script>").contains("🚨🔥");
        assertThat(a.path("title").asText()).isEqualTo("[LOW] \"Quoted\" <b>title</b> 🚨 second line");
        assertThat(a.path("color").asText()).isEqualTo("#1565C0");
    }

    @Test
    void previewShowsTheAttachmentAndMasksTheWebhookUrl() {
        HttpResponse<String> r = postJson("/channels/mattermost-ops/preview",
                alert("title", "Preview me", "status", "resolved", "severity", "critical"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("/mattermost/hooks");
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo("********");
        JsonNode a = request.path("body").path("attachments").get(0);
        assertThat(a.path("title").asText()).isEqualTo("[CRITICAL] Preview me");
        // resolved is green whatever the severity
        assertThat(a.path("color").asText()).isEqualTo("#2E7D32");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }
}
