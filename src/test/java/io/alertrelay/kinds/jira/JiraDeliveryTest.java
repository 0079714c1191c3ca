package io.alertrelay.kinds.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.alertrelay.kinds.jira.AdfAssertions.assertValidDoc;
import static io.alertrelay.kinds.jira.AdfAssertions.find;
import static io.alertrelay.kinds.jira.AdfAssertions.marks;
import static io.alertrelay.kinds.jira.AdfAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.Limits;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "jira"})
class JiraDeliveryTest extends RelayTestSupport {

    private static final String TOKEN = "jira-token-abc123";
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString(("relay@example.com:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String TRANSITIONS = """
            {"expand":"transitions","transitions":[
              {"id":"11","name":"To Do","to":{"id":"10000","name":"To Do"}},
              {"id":"31","name":"Done","to":{"id":"10002","name":"Done"}},
              {"id":"41","name":"Reopen","to":{"id":"10000","name":"To Do"}}]}""";

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @Test
    void createsAnIssueWithBasicAuthAdfDescriptionAndAFingerprintLabel() {
        stubCreate("/create", "OPS-1");
        String fingerprint = "checkout-" + UUID.randomUUID();
        String message = """
                ## Impact

                Checkout is **down** for *some* users, see `orders-api`.
                Next line after a soft break.

                - first item
                - runbook: [the runbook](https://runbook.example/checkout)

                3. restart
                4. verify

                ```java
                throw new Boom("x");
                ```
                """;
        String title = "Checkout down\nfor everyone " + "x".repeat(300);

        String id = accept(alert("jira-create", fingerprint, Map.of("title", title, "message", message,
                "severity", "critical", "url", "https://tracker.example/issues/1")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-create");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);

        List<LoggedRequest> creates = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/create/rest/api/3/issue")));
        assertThat(creates).hasSize(1);
        LoggedRequest r = creates.get(0);
        assertThat(r.getHeader("Authorization")).isEqualTo(BASIC);
        assertThat(r.getHeader("Accept")).isEqualTo("application/json");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");

        JsonNode fields = parse(r.getBodyAsString()).path("fields");
        assertThat(fields.path("project").path("key").asText()).isEqualTo("OPS");
        assertThat(fields.path("issuetype").path("name").asText()).isEqualTo("Bug");
        String summary = fields.path("summary").asText();
        assertThat(summary).startsWith("[CRITICAL] Checkout down for everyone xxx").doesNotContain("\n")
                .endsWith(Limits.MARKER);
        assertThat(summary.length()).isLessThanOrEqualTo(255);
        List<String> labels = new ArrayList<>();
        fields.path("labels").forEach(l -> labels.add(l.asText()));
        assertThat(labels).containsExactly("alert-relay", "on-call", JiraPayload.fingerprintLabel(fingerprint));
        assertThat(JiraPayload.fingerprintLabel(fingerprint)).matches("alert-relay-[0-9a-f]{12}");

        JsonNode doc = fields.path("description");
        assertValidDoc(doc);
        JsonNode heading = find(doc, "heading").get(0);
        assertThat(heading.path("attrs").path("level").asInt()).isEqualTo(2);
        assertThat(text(heading)).isEqualTo("Impact");
        List<JsonNode> texts = find(doc, "text");
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("down") && marks(t).equals(List.of("strong")));
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("some") && marks(t).equals(List.of("em")));
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("orders-api") && marks(t).equals(List.of("code")));
        JsonNode runbook = texts.stream().filter(t -> t.path("text").asText().equals("the runbook")).findFirst().orElseThrow();
        assertThat(runbook.path("marks").get(0).path("type").asText()).isEqualTo("link");
        assertThat(runbook.path("marks").get(0).path("attrs").path("href").asText()).isEqualTo("https://runbook.example/checkout");
        assertThat(text(find(doc, "paragraph").get(0)))
                .isEqualTo("Checkout is down for some users, see orders-api.\nNext line after a soft break.");
        // the message's list and the template's fact list
        assertThat(find(doc, "bulletList")).hasSize(2);
        assertThat(text(find(doc, "bulletList").get(0))).contains("first item").contains("runbook: the runbook");
        assertThat(find(find(doc, "bulletList").get(0), "listItem")).hasSize(2);
        JsonNode ordered = find(doc, "orderedList").get(0);
        assertThat(ordered.path("attrs").path("order").asInt()).isEqualTo(3);
        assertThat(find(ordered, "listItem")).hasSize(2);
        JsonNode code = find(doc, "codeBlock").get(0);
        assertThat(code.path("attrs").path("language").asText()).isEqualTo("java");
        assertThat(text(code)).isEqualTo("throw new Boom(\"x\");");
        assertThat(text(doc)).contains("Severity: critical").contains("Fingerprint: " + fingerprint);
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("View alert")
                && t.path("marks").get(0).path("attrs").path("href").asText().equals("https://tracker.example/issues/1"));

        Map<String, Object> ref = ref("jira-create", fingerprint);
        assertThat(ref.get("ref")).isEqualTo("OPS-1");
        assertThat(ref.get("state")).isEqualTo("open");
        assertThat(ref.get("url")).isEqualTo("http://localhost:" + WIREMOCK.port() + "/create/browse/OPS-1");
    }

    @Test
    void oneIssuePerFingerprintCommentedOnRepeatTransitionedOnResolveReopenedOnRegression() {
        stubCreate("/life", "LIFE-7");
        stubFor201Comment("/life", "LIFE-7");
        stubTransitions("/life", "LIFE-7", TRANSITIONS);
        String fp = "life-" + UUID.randomUUID();

        String first = accept(alert("jira-life", fp, Map.of("title", "Queue stuck", "reason", "new")));
        assertThat(awaitDelivery(first, "jira-life").get("status")).isEqualTo("sent");
        assertThat(ref("jira-life", fp).get("ref")).isEqualTo("LIFE-7");

        String repeat = accept(alert("jira-life", fp, Map.of("title", "Queue stuck", "reason", "repeat",
                "message", "still **stuck**")));
        assertThat(awaitDelivery(repeat, "jira-life").get("status")).isEqualTo("sent");
        List<LoggedRequest> comments = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/life/rest/api/3/issue/LIFE-7/comment")));
        assertThat(comments).hasSize(1);
        assertThat(comments.get(0).getHeader("Authorization")).isEqualTo(BASIC);
        JsonNode comment = parse(comments.get(0).getBodyAsString()).path("body");
        assertValidDoc(comment);
        assertThat(text(comment)).contains("Fired again (repeat, firing)").contains("Queue stuck").contains("still stuck");

        String resolved = accept(alert("jira-life", fp, Map.of("title", "Queue stuck", "status", "resolved")));
        assertThat(awaitDelivery(resolved, "jira-life").get("status")).isEqualTo("sent");
        List<LoggedRequest> lookups = WIREMOCK.findAll(getRequestedFor(urlPathEqualTo("/life/rest/api/3/issue/LIFE-7/transitions")));
        assertThat(lookups).hasSize(1);
        assertThat(lookups.get(0).getHeader("Authorization")).isEqualTo(BASIC);
        assertThat(lookups.get(0).getHeader("Accept")).isEqualTo("application/json");
        assertThat(lookups.get(0).getBodyAsString()).isEmpty();
        List<LoggedRequest> transitions = transitionPosts("/life", "LIFE-7");
        assertThat(transitions).hasSize(1);
        // the configured name is "done": matched ignoring case
        assertThat(parse(transitions.get(0).getBodyAsString()).path("transition").path("id").asText()).isEqualTo("31");
        assertThat(commentPosts("/life", "LIFE-7")).as("a resolve adds no comment").hasSize(1);
        assertThat(ref("jira-life", fp).get("state")).isEqualTo("resolved");

        String regression = accept(alert("jira-life", fp, Map.of("title", "Queue stuck", "reason", "regression")));
        assertThat(awaitDelivery(regression, "jira-life").get("status")).isEqualTo("sent");
        transitions = transitionPosts("/life", "LIFE-7");
        assertThat(transitions).hasSize(2);
        assertThat(parse(transitions.get(1).getBodyAsString()).path("transition").path("id").asText()).isEqualTo("41");
        comments = commentPosts("/life", "LIFE-7");
        assertThat(comments).hasSize(2);
        assertThat(comments.get(1).getLoggedDate()).isAfterOrEqualTo(transitions.get(1).getLoggedDate());
        assertThat(text(parse(comments.get(1).getBodyAsString()).path("body"))).contains("Fired again after it was resolved");
        assertThat(ref("jira-life", fp).get("state")).isEqualTo("open");

        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/life/rest/api/3/issue")))).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM external_refs WHERE channel_id = 'jira-life' AND fingerprint = ?",
                Integer.class, fp)).isEqualTo(1);
    }

    @Test
    void aResolvedAlertWithoutAnIssueSendsNothing() {
        String id = accept(alert("jira-life", "never-fired-" + UUID.randomUUID(), Map.of("title", "Quiet", "status", "resolved")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-life");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }

    @Test
    void aRetryAfterTheReopenDoesNotTransitionTwice() {
        stubTransitions("/life", "LIFE-9", TRANSITIONS);
        String fp = "retry-" + UUID.randomUUID();
        saveRef("jira-life", fp, "LIFE-9", "resolved");
        WIREMOCK.stubFor(post(urlPathEqualTo("/life/rest/api/3/issue/LIFE-9/comment")).inScenario("comment")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/life/rest/api/3/issue/LIFE-9/comment")).inScenario("comment")
                .whenScenarioStateIs("up").willReturn(json(201, "{\"id\":\"10010\"}")));

        String id = accept(alert("jira-life", fp, Map.of("title", "Back again", "reason", "regression")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-life");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        assertThat(transitionPosts("/life", "LIFE-9")).hasSize(1);
        assertThat(commentPosts("/life", "LIFE-9")).hasSize(2);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/life/rest/api/3/issue")))).isEmpty();
        assertThat(ref("jira-life", fp).get("state")).isEqualTo("open");
    }

    @Test
    void aTransitionJiraDoesNotOfferFailsForGoodNamingTheOfferedOnes() {
        String fp = "notoffered-" + UUID.randomUUID();
        saveRef("jira-life", fp, "LIFE-3", "open");
        stubTransitions("/life", "LIFE-3", """
                {"transitions":[{"id":"21","name":"Start Progress","to":{"name":"In Progress"}},
                                {"id":"22","name":"Block","to":{"name":"Blocked"}}]}""");

        long failed = failedCount("jira-life");
        String id = accept(alert("jira-life", fp, Map.of("title", "Gone", "status", "resolved")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-life");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(transitionPosts("/life", "LIFE-3")).isEmpty();
        Map<String, Object> status = failureAfter("jira-life", failed);
        assertThat(status.get("last_failure_error_type")).isEqualTo("config_error");
        assertThat((String) status.get("last_failure_error_message"))
                .contains("\"done\"").contains("LIFE-3").contains("Start Progress, Block");
        assertThat(ref("jira-life", fp).get("state")).isEqualTo("open");
    }

    @Test
    void withoutOnlyNewIssuesEveryFiringAlertOpensAnIssueAndResolveTransitionsTheLatest() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/every/rest/api/3/issue")).inScenario("keys")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(created("EV-1")).willSetStateTo("second"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/every/rest/api/3/issue")).inScenario("keys")
                .whenScenarioStateIs("second").willReturn(created("EV-2")));
        stubTransitions("/every", "EV-2", TRANSITIONS);
        String fp = "every-" + UUID.randomUUID();

        assertThat(awaitDelivery(accept(alert("jira-every", fp, Map.of("title", "Flap"))), "jira-every").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(accept(alert("jira-every", fp, Map.of("title", "Flap", "reason", "repeat"))), "jira-every")
                .get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(accept(alert("jira-every", fp, Map.of("title", "Flap", "status", "resolved"))), "jira-every")
                .get("status")).isEqualTo("sent");

        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/every/rest/api/3/issue")))).hasSize(2);
        assertThat(transitionPosts("/every", "EV-2")).hasSize(1);
        assertThat(ref("jira-every", fp).get("ref")).isEqualTo("EV-2");
    }

    @Test
    void validationErrorsBecomeAOneLineMessageAndAreNotRetried() {
        String answer = "{\"errorMessages\":[\"project is required\"],"
                + "\"errors\":{\"summary\":\"Field 'summary' cannot be longer than 255 characters\"}}";
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).willReturn(json(400, answer)));

        long failed = failedCount("jira-err");
        String id = accept(alert("jira-err", "bad-" + UUID.randomUUID(), Map.of("title", "Rejected")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-err");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/err/rest/api/3/issue")))).hasSize(1);
        Map<String, Object> status = failureAfter("jira-err", failed);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(400);
        assertThat((String) status.get("last_failure_error_message")).isEqualTo("HTTP 400 Bad Request from localhost:"
                + WIREMOCK.port() + ": summary: Field 'summary' cannot be longer than 255 characters; project is required");
        assertThat(status.get("last_failure_response_text")).isEqualTo(answer);
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
    }

    @Test
    void authenticationAndPermissionErrorsAreNotRetried() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "text/plain").withBody("Client must be authenticated to access this resource.")));
        long failed = failedCount("jira-err");
        String unauthorized = accept(alert("jira-err", "auth-" + UUID.randomUUID(), Map.of("title", "No auth")));
        Map<String, Object> d401 = awaitDelivery(unauthorized, "jira-err");
        assertThat(d401.get("status")).isEqualTo("dead");
        assertThat(d401.get("attempts")).isEqualTo(1);
        Map<String, Object> s401 = failureAfter("jira-err", failed);
        assertThat(s401.get("last_failure_error_type")).isEqualTo("auth_error");
        assertThat(s401.get("last_failure_status_code")).isEqualTo(401);
        assertThat(s401.get("last_failure_is_json")).isEqualTo(false);
        assertThat((String) s401.get("last_failure_error_message")).doesNotContain(TOKEN);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/err/rest/api/3/issue")))).hasSize(1);

        WIREMOCK.resetAll();
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).willReturn(json(403,
                "{\"errorMessages\":[\"You do not have permission to create issues in this project.\"],\"errors\":{}}")));
        failed = failedCount("jira-err");
        String forbidden = accept(alert("jira-err", "perm-" + UUID.randomUUID(), Map.of("title", "No permission")));
        Map<String, Object> d403 = awaitDelivery(forbidden, "jira-err");
        assertThat(d403.get("status")).isEqualTo("dead");
        assertThat(d403.get("attempts")).isEqualTo(1);
        Map<String, Object> s403 = failureAfter("jira-err", failed);
        assertThat(s403.get("last_failure_error_type")).isEqualTo("auth_error");
        assertThat(s403.get("last_failure_status_code")).isEqualTo(403);
        assertThat((String) s403.get("last_failure_error_message"))
                .endsWith(": You do not have permission to create issues in this project.");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/err/rest/api/3/issue")))).hasSize(1);
    }

    @Test
    void aDeletedIssueAnswers404AndIsNotRetried() {
        String fp = "deleted-" + UUID.randomUUID();
        saveRef("jira-err", fp, "ERR-404", "open");
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue/ERR-404/comment")).willReturn(json(404,
                "{\"errorMessages\":[\"Issue does not exist or you do not have permission to see it.\"],\"errors\":{}}")));

        long failed = failedCount("jira-err");
        String id = accept(alert("jira-err", fp, Map.of("title", "Again", "reason", "repeat")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-err");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(commentPosts("/err", "ERR-404")).hasSize(1);
        Map<String, Object> status = failureAfter("jira-err", failed);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(404);
        assertThat((String) status.get("last_failure_error_message"))
                .endsWith(": Issue does not exist or you do not have permission to see it.");
    }

    @Test
    void rateLimitsAreRetriedAfterRetryAfterAndStillOpenOneIssue() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(429, "{\"errorMessages\":[\"Rate limit exceeded.\"]}").withHeader("Retry-After", "1"))
                .willSetStateTo("open"));
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).inScenario("limited")
                .whenScenarioStateIs("open").willReturn(created("ERR-2")));
        String fp = "limited-" + UUID.randomUUID();

        String id = accept(alert("jira-err", fp, Map.of("title", "Busy Jira")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-err");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = sorted(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/err/rest/api/3/issue"))));
        assertThat(requests).hasSize(2);
        long waited = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(waited).isGreaterThanOrEqualTo(900);
        assertThat(ref("jira-err", fp).get("ref")).isEqualTo("ERR-2");
    }

    @Test
    void serverErrorsAreRetriedUntilTheAttemptsAreUsedUp() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/err/rest/api/3/issue")).willReturn(json(503,
                "{\"errorMessages\":[\"Service unavailable\"],\"errors\":{}}")));
        String fp = "down-" + UUID.randomUUID();

        long failed = failedCount("jira-err");
        String id = accept(alert("jira-err", fp, Map.of("title", "Jira down")));

        Map<String, Object> delivery = awaitDelivery(id, "jira-err");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/err/rest/api/3/issue")))).hasSize(3);
        Map<String, Object> status = failureAfter("jira-err", failed);
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(503);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Service unavailable");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM external_refs WHERE fingerprint = ?", Integer.class, fp)).isZero();
    }

    @Test
    void hostileInputStaysValidJsonAndAdfWithinJirasLimits() {
        stubCreate("/create", "OPS-66");
        String nasty = "\"quotes\" 'single' \\backslash 🔥🚨 <script>alert(1)</script> <b>bold?</b> \u0000\u0007\u001b[31m\u007f ";
        StringBuilder big = new StringBuilder(nasty).append("\n\n");
        while (big.length() < 1_000_000) {
            big.append("line ").append(big.length()).append(" **with** `code` [link](https://x.example/")
                    .append(big.length()).append(") and 🎉 emoji\n");
        }
        String fp = "hostile-" + UUID.randomUUID();

        String id = accept(alert("jira-create", fp, Map.of("title", "Boom \"quoted\" 🔥\u0001 <i>html</i>\nsecond line",
                "message", big.substring(0, 1_000_000))));

        assertThat(awaitDelivery(id, "jira-create").get("status")).isEqualTo("sent");
        LoggedRequest r = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/create/rest/api/3/issue"))).get(0);
        JsonNode fields = parse(r.getBodyAsString()).path("fields");
        String summary = fields.path("summary").asText();
        assertThat(summary).isEqualTo("[MEDIUM] Boom \"quoted\" 🔥 <i>html</i> second line");
        JsonNode doc = fields.path("description");
        assertValidDoc(doc);
        assertThat(doc.toString().length()).isLessThanOrEqualTo(JiraPayload.TEXT_FIELD_MAX);
        assertThat(doc.toString().length()).as("the budget is used, not wasted").isGreaterThan(JiraPayload.TEXT_FIELD_MAX / 2);
        JsonNode last = doc.path("content").get(doc.path("content").size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("paragraph");
        assertThat(text(last)).isEqualTo(Limits.MARKER);
        String text = text(doc);
        assertThat(text).contains("\"quotes\" 'single' \\backslash 🔥🚨 <script>alert(1)</script> <b>bold?</b>");
        assertThat(text).contains("🎉 emoji").doesNotContain("\u0000").doesNotContain("\u001b");
    }

    @Test
    void previewShowsTheCreateRequestWithTheTokenMasked() {
        HttpResponse<String> r = postJson("/channels/jira-create/preview", Map.of("title", "Preview me",
                "message", "# Hi\n\n- a", "fingerprint", "preview-" + UUID.randomUUID()));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo("http://localhost:" + WIREMOCK.port() + "/create/rest/api/3/issue");
        assertThat(request.path("headers").path("Authorization").asText()).isEqualTo("Basic ********");
        assertThat(request.path("headers").path("Accept").asText()).isEqualTo("application/json");
        assertThat(request.path("body").path("fields").path("summary").asText()).isEqualTo("[MEDIUM] Preview me");
        assertValidDoc(request.path("body").path("fields").path("description"));
        assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(BASIC.substring(6));
        assertThat(WIREMOCK.getAllServeEvents()).as("a preview sends nothing").isEmpty();
    }

    private long failedCount(String channel) {
        return ((Number) channelStatus(channel).get("failed_count")).longValue();
    }

    /**
     * The channel's failure fields once this test's failure is counted, so an earlier test's failure on
     * the same channel is never mistaken for it.
     */
    private Map<String, Object> failureAfter(String channel, long failedBefore) {
        await("failure of " + channel + " recorded", () -> failedCount(channel) > failedBefore);
        return channelStatus(channel);
    }

    private Map<String, Object> alert(String route, String fingerprint, Map<String, Object> fields) {
        Map<String, Object> a = new HashMap<>(fields);
        a.put("fingerprint", fingerprint);
        a.put("labels", Map.of("route", route));
        return a;
    }

    private Map<String, Object> ref(String channel, String fingerprint) {
        return jdbc.queryForMap("SELECT * FROM external_refs WHERE channel_id = ? AND fingerprint = ?", channel, fingerprint);
    }

    /** A ref as an earlier run of the relay left it, e.g. before a restart. */
    private void saveRef(String channel, String fingerprint, String key, String state) {
        jdbc.update("INSERT INTO external_refs (channel_id, fingerprint, ref, state, url, updated_at) VALUES (?, ?, ?, ?, NULL, CURRENT_TIMESTAMP)",
                channel, fingerprint, key, state);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder created(String key) {
        return json(201, "{\"id\":\"10" + key.replaceAll("\\D", "") + "\",\"key\":\"" + key
                + "\",\"self\":\"https://example.atlassian.net/rest/api/3/issue/10001\"}");
    }

    private static void stubCreate(String site, String key) {
        WIREMOCK.stubFor(post(urlPathEqualTo(site + "/rest/api/3/issue")).willReturn(created(key)));
    }

    private static void stubFor201Comment(String site, String key) {
        WIREMOCK.stubFor(post(urlPathEqualTo(site + "/rest/api/3/issue/" + key + "/comment"))
                .willReturn(json(201, "{\"id\":\"10100\",\"self\":\"https://example.atlassian.net/rest/api/3/issue/10001/comment/10100\"}")));
    }

    private static void stubTransitions(String site, String key, String offered) {
        WIREMOCK.stubFor(get(urlPathEqualTo(site + "/rest/api/3/issue/" + key + "/transitions")).willReturn(json(200, offered)));
        WIREMOCK.stubFor(post(urlPathEqualTo(site + "/rest/api/3/issue/" + key + "/transitions"))
                .willReturn(aResponse().withStatus(204)));
    }

    private static List<LoggedRequest> transitionPosts(String site, String key) {
        return sorted(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(site + "/rest/api/3/issue/" + key + "/transitions"))));
    }

    private static List<LoggedRequest> commentPosts(String site, String key) {
        return sorted(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(site + "/rest/api/3/issue/" + key + "/comment"))));
    }

    private static List<LoggedRequest> sorted(List<LoggedRequest> requests) {
        List<LoggedRequest> out = new ArrayList<>(requests);
        out.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return out;
    }
}
