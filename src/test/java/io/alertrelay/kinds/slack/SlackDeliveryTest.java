package io.alertrelay.kinds.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.alertrelay.kinds.slack.ChatFixtures.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.Limits;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "chat"})
class SlackDeliveryTest extends RelayTestSupport {

    static final String TOKEN = "xs-0a9b8c7d6e5f4a3b";
    static final String PATH = "/slack/services/T000/B000/" + TOKEN;

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

    private static List<JsonNode> blocksOfType(JsonNode root, String type) {
        List<JsonNode> out = new ArrayList<>();
        root.path("blocks").forEach(b -> {
            if (type.equals(b.path("type").asText())) {
                out.add(b);
            }
        });
        return out;
    }

    private static String sectionText(JsonNode root) {
        return String.join("\n", blocksOfType(root, "section").stream().map(s -> s.path("text").path("text").asText()).toList());
    }

    @Test
    void blockKitMessageWithMrkdwnContextAndButton() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));

        String id = accept(alert("title", "Checkout errors", "severity", "high", "project", "shop",
                "url", "https://tracker.example/issues/9",
                "message", "**bold** and _em_ and `x < y`\n\n```\nline <1>\n```\n\n- one\n- two\n\n"
                        + "1. first\n2. second\n\nSee [the runbook](https://runbooks.example/a?b=1&c=2)\n\n"
                        + "a < b & c > d <!channel> [bad](javascript:alert(1))",
                "labels", Map.of("route", "slack")));

        Map<String, Object> delivery = awaitDelivery(id, "slack-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Content-Type")).startsWith("application/json");
        JsonNode root = parse(requests.get(0).getBodyAsString());

        assertThat(root.path("text").asText()).isEqualTo("[HIGH] Checkout errors");
        assertThat(root.path("channel").asText()).isEqualTo("#ops");
        assertThat(root.path("username").asText()).isEqualTo("alert-relay");
        assertThat(root.path("icon_emoji").asText()).isEqualTo(":rotating_light:");
        assertThat(root.has("icon_url")).isFalse();

        JsonNode header = root.path("blocks").get(0);
        assertThat(header.path("type").asText()).isEqualTo("header");
        assertThat(header.path("text").path("type").asText()).isEqualTo("plain_text");
        assertThat(header.path("text").path("text").asText()).isEqualTo("[HIGH] Checkout errors");

        String mrkdwn = sectionText(root);
        assertThat(blocksOfType(root, "section")).allSatisfy(s -> assertThat(s.path("text").path("type").asText()).isEqualTo("mrkdwn"));
        assertThat(mrkdwn).contains("*bold* and _em_ and `x &lt; y`", "```\nline &lt;1&gt;\n```", "• one\n• two",
                "1. first\n2. second", "See <https://runbooks.example/a?b=1&amp;c=2|the runbook>",
                "a &lt; b &amp; c &gt; d &lt;!channel&gt; bad", "• *route:* teams".replace("teams", "slack"));
        assertThat(mrkdwn).doesNotContain("<!channel>").doesNotContain("javascript:").doesNotContain("**");

        List<JsonNode> context = blocksOfType(root, "context");
        assertThat(context).hasSize(1);
        List<String> elements = new ArrayList<>();
        context.get(0).path("elements").forEach(e -> elements.add(e.path("type").asText() + ":" + e.path("text").asText()));
        assertThat(elements).containsExactly("mrkdwn:*Severity:* HIGH", "mrkdwn:*Status:* firing", "mrkdwn:*Project:* shop");

        List<JsonNode> actions = blocksOfType(root, "actions");
        assertThat(actions).hasSize(1);
        JsonNode button = actions.get(0).path("elements").get(0);
        assertThat(button.path("type").asText()).isEqualTo("button");
        assertThat(button.path("text").path("text").asText()).isEqualTo("View alert");
        assertThat(button.path("url").asText()).isEqualTo("https://tracker.example/issues/9");
    }

    @Test
    void slackTextErrorsAreDescribedAndNotRetried() {
        String[][] cases = {{"400", "invalid_payload", "client_error", "not valid JSON"},
                {"403", "action_prohibited", "auth_error", "restricted posting"},
                {"404", "channel_not_found", "client_error", "does not exist"},
                {"410", "channel_is_archived", "client_error", "archived"}};
        for (String[] c : cases) {
            WIREMOCK.resetAll();
            WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(Integer.parseInt(c[0]))
                    .withHeader("Content-Type", "text/plain; charset=utf-8").withBody(c[1])));

            long failedBefore = failedCount("slack-ops");
            String id = accept(alert("title", "Refused with " + c[1], "labels", Map.of("route", "slack")));

            Map<String, Object> delivery = awaitDelivery(id, "slack-ops");
            assertThat(delivery.get("status")).isEqualTo("dead");
            assertThat(delivery.get("attempts")).isEqualTo(1);
            assertThat(requests()).hasSize(1);
            Map<String, Object> status = awaitFailureRecorded("slack-ops", failedBefore);
            assertThat(status.get("last_failure_error_type")).isEqualTo(c[2]);
            assertThat(status.get("last_failure_status_code")).isEqualTo(Integer.parseInt(c[0]));
            assertThat(status.get("last_failure_response_text")).isEqualTo(c[1]);
            assertThat(status.get("last_failure_is_json")).isEqualTo(false);
            assertThat((String) status.get("last_failure_error_message")).contains("HTTP " + c[0])
                    .contains("Slack " + c[1] + ": ").contains(c[3]).doesNotContain(TOKEN);
        }
    }

    @Test
    void rateLimitIsRetriedAfterRetryAfter() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("rate_limited"))
                .willSetStateTo("open"));
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).inScenario("limited").whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200).withBody("ok")));

        String id = accept(alert("title", "Slack is busy", "labels", Map.of("route", "slack")));

        Map<String, Object> delivery = awaitDelivery(id, "slack-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = requests();
        assertThat(requests).hasSize(2);
        long waited = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        // the test backoff is 50 ms; only Retry-After explains a second
        assertThat(waited).isGreaterThanOrEqualTo(900);
        assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString());
    }

    @Test
    void hostileMegabyteMessageStaysWithinBlockKitLimits() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
        String title = "\"Quoted\" <b>title</b> 🚨 & \u0001 " + "x".repeat(900);

        String id = accept(alert("title", title, "message", ChatFixtures.hostileMessage(json),
                "labels", Map.of("route", "slack")));

        assertThat(awaitDelivery(id, "slack-ops").get("status")).isEqualTo("sent");
        JsonNode root = parse(requests().get(0).getBodyAsString());
        assertThat(root.path("blocks").size()).isLessThanOrEqualTo(50);
        String header = root.path("blocks").get(0).path("text").path("text").asText();
        assertThat(header.length()).isLessThanOrEqualTo(150);
        assertThat(header).startsWith("[MEDIUM] \"Quoted\" <b>title</b> 🚨 &").endsWith(Limits.MARKER);
        List<JsonNode> sections = blocksOfType(root, "section");
        assertThat(sections).hasSizeGreaterThan(1)
                .allSatisfy(s -> assertThat(s.path("text").path("text").asText().length()).isLessThanOrEqualTo(3000));
        String mrkdwn = sectionText(root);
        assertThat(mrkdwn).contains(Limits.MARKER).contains("&lt;script&gt;").contains("🚨🔥")
                .doesNotContain("<script>").doesNotContain("<!channel>");
    }

    @Test
    void previewShowsTheBlocksAndMasksTheWebhookUrl() {
        HttpResponse<String> r = postJson("/channels/slack-ops/preview", alert("title", "Preview me", "project", "shop"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("/slack/services");
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo("********");
        assertThat(request.path("body").path("blocks").get(0).path("text").path("text").asText()).isEqualTo("[MEDIUM] Preview me");
        assertThat(request.path("body").path("channel").asText()).isEqualTo("#ops");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }
}
