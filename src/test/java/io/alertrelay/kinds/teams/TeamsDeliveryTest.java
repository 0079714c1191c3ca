package io.alertrelay.kinds.teams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.alertrelay.kinds.slack.ChatFixtures.alert;
import static io.alertrelay.kinds.slack.ChatFixtures.findAll;
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
class TeamsDeliveryTest extends RelayTestSupport {

    static final String TOKEN = "tk-9f8e7d6c5b4a3f2e";
    static final String PATH = "/teams/workflows/" + TOKEN;
    static final String LEGACY_PATH = "/teams/webhookb2/lg-1a2b3c4d5e6f7a8b";

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

    private List<LoggedRequest> requests(String path) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    private JsonNode onlyRequest(String path) {
        List<LoggedRequest> r = requests(path);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).getHeader("Content-Type")).startsWith("application/json");
        return parse(r.get(0).getBodyAsString());
    }

    private static List<String> facts(JsonNode card) {
        List<JsonNode> sets = findAll(card, n -> "FactSet".equals(n.path("type").asText()));
        assertThat(sets).hasSize(1);
        List<String> out = new ArrayList<>();
        sets.get(0).path("facts").forEach(f -> out.add(f.path("title").asText() + "=" + f.path("value").asText()));
        return out;
    }

    private static List<JsonNode> textBlocks(JsonNode card) {
        return findAll(card, n -> "TextBlock".equals(n.path("type").asText()));
    }

    @Test
    void workflowsWebhookGetsAnAdaptiveCardWithFactsLinkAndMentions() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(202)));

        String id = accept(alert("title", "Payment API down", "severity", "critical", "project", "shop",
                "source", "bugsink", "url", "https://tracker.example/issues/7",
                "firstSeen", "2024-05-01T10:00:00Z", "lastSeen", "2024-05-01T10:05:00Z", "eventCount", 42,
                "message", "**5xx** rate at _40%_\n\n- api-1\n- api-2\n\nSee [runbook](https://runbooks.example/pay)"
                        + " and [this](javascript:alert(1))\n\n# Details\n\n```\nat Pay.charge(Pay.java:42)\n```",
                "labels", Map.of("route", "teams")));

        Map<String, Object> delivery = awaitDelivery(id, "teams-ops");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);

        JsonNode root = onlyRequest(PATH);
        assertThat(root.path("type").asText()).isEqualTo("message");
        assertThat(root.path("attachments")).hasSize(1);
        JsonNode attachment = root.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.has("contentUrl")).isTrue();
        assertThat(attachment.get("contentUrl").isNull()).isTrue();
        JsonNode card = attachment.path("content");
        assertThat(card.path("$schema").asText()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("version").asText()).isEqualTo("1.4");

        JsonNode header = card.path("body").get(0);
        assertThat(header.path("type").asText()).isEqualTo("Container");
        assertThat(header.path("style").asText()).isEqualTo("attention");
        assertThat(header.path("items").get(0).path("text").asText()).isEqualTo("[CRITICAL] Payment API down");

        List<JsonNode> blocks = textBlocks(card);
        assertThat(blocks).allSatisfy(b -> assertThat(b.path("wrap").asBoolean()).isTrue());
        List<String> texts = blocks.stream().map(b -> b.path("text").asText()).toList();
        assertThat(texts).contains("**5xx** rate at _40%_", "- api-1\n- api-2",
                "See [runbook](https://runbooks.example/pay) and this", "- **route:** teams");
        assertThat(String.join("\n", texts)).doesNotContain("javascript:");
        assertThat(blocks).anySatisfy(b -> {
            assertThat(b.path("text").asText()).isEqualTo("Details");
            assertThat(b.path("weight").asText()).isEqualTo("Bolder");
        });
        assertThat(blocks).anySatisfy(b -> {
            assertThat(b.path("text").asText()).isEqualTo("at Pay.charge(Pay.java:42)");
            assertThat(b.path("fontType").asText()).isEqualTo("Monospace");
        });

        assertThat(facts(card)).containsExactly("Project=shop", "Severity=CRITICAL", "Status=firing", "Source=bugsink",
                "First seen=2024-05-01T10:00:00Z", "Last seen=2024-05-01T10:05:00Z", "Count=42");

        JsonNode actions = card.path("actions");
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).path("type").asText()).isEqualTo("Action.OpenUrl");
        assertThat(actions.get(0).path("title").asText()).isEqualTo("View alert");
        assertThat(actions.get(0).path("url").asText()).isEqualTo("https://tracker.example/issues/7");

        JsonNode entities = card.path("msteams").path("entities");
        assertThat(entities).hasSize(2);
        assertThat(entities.get(0).path("type").asText()).isEqualTo("mention");
        assertThat(entities.get(0).path("text").asText()).isEqualTo("<at>Ada Lovelace</at>");
        assertThat(entities.get(0).path("mentioned").path("id").asText()).isEqualTo("ada@example.com");
        assertThat(entities.get(0).path("mentioned").path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(entities.get(1).path("text").asText()).isEqualTo("<at>grace@example.com</at>");
        assertThat(entities.get(1).path("mentioned").path("id").asText()).isEqualTo("grace@example.com");
        // Teams only turns <at>…</at> into a mention when a TextBlock carries exactly the entity's text
        for (JsonNode e : entities) {
            assertThat(texts).anyMatch(t -> t.contains(e.path("text").asText()));
        }
    }

    @Test
    void legacyConnectorAnswer200OneIsSuccessAndOnlyPresentFactsAreShown() {
        WIREMOCK.stubFor(post(urlPathEqualTo(LEGACY_PATH)).willReturn(aResponse().withStatus(200).withBody("1")));

        String id = accept(alert("title", "Cert expires soon", "severity", "low", "labels", Map.of("route", "teams-legacy")));

        Map<String, Object> delivery = awaitDelivery(id, "teams-legacy");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        JsonNode card = onlyRequest(LEGACY_PATH).path("attachments").get(0).path("content");
        // theme-color replaces the severity colour (low would be "accent")
        assertThat(card.path("body").get(0).path("style").asText()).isEqualTo("emphasis");
        assertThat(facts(card)).containsExactly("Severity=LOW", "Status=firing");
        assertThat(card.has("actions")).isFalse();
        assertThat(card.path("msteams").has("entities")).isFalse();
    }

    @Test
    void severityAndStatusChooseTheContainerStyle() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(202)));
        String[][] cases = {{"high", "firing", "attention"}, {"medium", "firing", "warning"}, {"low", "firing", "accent"},
                {"info", "firing", "default"}, {"critical", "resolved", "good"}};
        for (String[] c : cases) {
            String id = accept(alert("title", "Style " + c[0] + " " + c[1], "severity", c[0], "status", c[1],
                    "labels", Map.of("route", "teams")));
            assertThat(awaitDelivery(id, "teams-ops").get("status")).isEqualTo("sent");
        }
        List<String> styles = requests(PATH).stream()
                .map(r -> parse(r.getBodyAsString()).path("attachments").get(0).path("content").path("body").get(0))
                .map(h -> h.path("items").get(0).path("text").asText().replaceAll("^\\[\\w+] Style ", "") + "=" + h.path("style").asText())
                .toList();
        assertThat(styles).containsExactlyInAnyOrder("high firing=attention", "medium firing=warning",
                "low firing=accent", "info firing=default", "critical resolved=good");
    }

    @Test
    void a200WithAnErrorTextFailsWithoutRetry() {
        String answer = "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413 "
                + "with ContextId tcid=0,server=msgapi-production-weu-azsc2-4-39,cv=abc.0";
        WIREMOCK.stubFor(post(urlPathEqualTo(LEGACY_PATH)).willReturn(aResponse().withStatus(200).withBody(answer)));

        long failedBefore = failedCount("teams-legacy");
        String id = accept(alert("title", "Too big for the connector", "labels", Map.of("route", "teams-legacy")));

        Map<String, Object> delivery = awaitDelivery(id, "teams-legacy");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requests(LEGACY_PATH)).hasSize(1);
        Map<String, Object> status = awaitFailureRecorded("teams-legacy", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat((String) status.get("last_failure_error_message"))
                .contains("Microsoft Teams endpoint returned HTTP error 413");
    }

    @Test
    void payloadTooLargeIsAClientErrorThatIsNotRetried() {
        String answer = "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413";
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(413)
                .withHeader("Content-Type", "text/plain; charset=utf-8").withBody(answer)));

        long failedBefore = failedCount("teams-ops");
        String id = accept(alert("title", "Rejected card", "labels", Map.of("route", "teams")));

        Map<String, Object> delivery = awaitDelivery(id, "teams-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requests(PATH)).hasSize(1);
        Map<String, Object> status = awaitFailureRecorded("teams-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(413);
        assertThat(status.get("last_failure_response_text")).isEqualTo(answer);
        assertThat(status.get("last_failure_is_json")).isEqualTo(false);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 413")
                .contains("Microsoft Teams endpoint returned HTTP error 413").doesNotContain(TOKEN);
    }

    @Test
    void workflowsServerErrorsAreRetriedThenDead() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"BadGateway\",\"message\":\"The flow is not reachable.\"}}")));

        long failedBefore = failedCount("teams-ops");
        String id = accept(alert("title", "Flow down", "labels", Map.of("route", "teams")));

        Map<String, Object> delivery = awaitDelivery(id, "teams-ops");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat(requests(PATH)).hasSize(3);
        Map<String, Object> status = awaitFailureRecorded("teams-ops", failedBefore);
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(502);
        assertThat((String) status.get("last_failure_error_message")).contains("BadGateway: The flow is not reachable.");
    }

    @Test
    void hostileMegabyteMessageBecomesValidJsonUnder28KbWithTheMarkerVisible() {
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(202)));
        String title = "\"Quoted\" <b>title</b> 🚨 & \u0001 " + "x".repeat(900);

        String id = accept(alert("title", title, "message", ChatFixtures.hostileMessage(json),
                "labels", Map.of("route", "teams")));

        assertThat(awaitDelivery(id, "teams-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = requests(PATH).get(0);
        assertThat(r.getBody().length).isLessThanOrEqualTo(28_000).isGreaterThan(20_000);
        JsonNode card = parse(r.getBodyAsString()).path("attachments").get(0).path("content");
        List<String> texts = textBlocks(card).stream().map(b -> b.path("text").asText()).toList();
        assertThat(texts.get(0)).startsWith("[MEDIUM] \"Quoted\" <b>title</b> 🚨 &");
        assertThat(String.join("\n", texts)).contains(Limits.MARKER).contains("He said \"stop\"").contains("🚨🔥");
        // the mentions and facts are still there after the shrinking
        assertThat(card.path("msteams").path("entities")).hasSize(2);
        assertThat(facts(card)).contains("Severity=MEDIUM");
    }

    @Test
    void previewShowsTheCardAndMasksTheWebhookUrl() {
        HttpResponse<String> r = postJson("/channels/teams-ops/preview",
                alert("title", "Preview me", "severity", "high", "url", "https://tracker.example/1"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("/teams/workflows");
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo("********");
        JsonNode card = request.path("body").path("attachments").get(0).path("content");
        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("body").get(0).path("style").asText()).isEqualTo("attention");
        assertThat(card.path("actions").get(0).path("url").asText()).isEqualTo("https://tracker.example/1");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }
}
