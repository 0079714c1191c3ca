package io.alertrelay.kinds.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.Limits;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "github"})
class GithubDeliveryTest extends RelayTestSupport {

    static final String TOKEN = "ghp_testTokenValue1234567890";
    static final String ERRORS_TOKEN = "ghp_errorsTokenValue0987654321";
    static final String SHOP = "/api/v3/repos/acme/shop";
    static final String ERRORS = "/repos/acme/errors";
    static final String ZWJ = "\u200D";

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @Test
    void firingAlertCreatesAnIssueWithGithubsHeadersAndAMarkdownBody() {
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues")).willReturn(issue(42, "open")));
        String fp = fingerprint();

        String id = accept(alert("gh", fp, "title", "Disk full on db1", "severity", "high", "project", "shop",
                "message", "**95%** used, ask @alice or @acme/dba about #12 and acme/infra#3, mail ops@example.com, "
                        + "see https://medium.com/@writer/post#12\n\n`@bob` stays in code\n\n```\n@carol #7\n```",
                "url", "https://tracker.example/issues/1"));

        Map<String, Object> delivery = awaitDelivery(id, "gh-issues");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);

        List<LoggedRequest> requests = WIREMOCK.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.getMethod().getName()).isEqualTo("POST");
        assertThat(r.getUrl()).isEqualTo(SHOP + "/issues");
        assertThat(r.getHeader("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(r.getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(r.getHeader("User-Agent")).isEqualTo("alert-relay");
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));

        JsonNode body = parse(r.getBodyAsString());
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("title", "body", "labels", "assignees");
        assertThat(body.path("title").asText()).isEqualTo("[HIGH] Disk full on db1");
        assertThat(texts(body.path("labels"))).containsExactly("alert", "relay");
        assertThat(texts(body.path("assignees"))).containsExactly("oncall-bot");
        String markdown = body.path("body").asText();
        assertThat(markdown).contains("**FIRING**", "**high**", "project shop", "**95%** used",
                "[View alert](https://tracker.example/issues/1)", "fingerprint `" + fp + "`");
        // nobody gets pinged and no other issue gets a back-link, yet the text reads the same
        assertThat(markdown).contains("@" + ZWJ + "alice", "@" + ZWJ + "acme/dba", "#" + ZWJ + "12 and", "acme/infra#" + ZWJ + "3")
                .doesNotContain("@alice", "@acme/dba", "about #12");
        // e-mail addresses, URLs and code are left exactly as written
        assertThat(markdown).contains("ops@example.com", "https://medium.com/@writer/post#12", "`@bob` stays in code",
                "```\n@carol #7\n```");

        Map<String, Object> ref = ref("gh-issues", fp);
        assertThat(ref.get("ref")).isEqualTo("42");
        assertThat(ref.get("state")).isEqualTo("open");
        assertThat(ref.get("url")).isEqualTo("https://github.com/acme/shop/issues/42");
    }

    @Test
    void oneIssuePerFingerprintCommentedOnRepeatClosedOnResolveReopenedOnRegression() {
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues")).willReturn(issue(7, "open")));
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues/7/comments")).willReturn(json(201, "{\"id\":1001}")));
        WIREMOCK.stubFor(patch(urlPathEqualTo(SHOP + "/issues/7")).willReturn(issue(7, "open")));
        String fp = fingerprint();

        deliver(alert("gh", fp, "title", "API errors", "message", "first occurrence"));
        assertThat(calls()).containsExactly("POST " + SHOP + "/issues");

        WIREMOCK.resetRequests();
        deliver(alert("gh", fp, "title", "API errors", "reason", "repeat", "message", "still happening"));
        List<LoggedRequest> repeat = WIREMOCK.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls()).containsExactly("POST " + SHOP + "/issues/7/comments");
        assertThat(fieldNames(parse(repeat.get(0).getBodyAsString()))).containsExactly("body");
        assertThat(parse(repeat.get(0).getBodyAsString()).path("body").asText()).contains("still happening", "**FIRING**");
        assertThat(repeat.get(0).getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(ref("gh-issues", fp).get("state")).isEqualTo("open");

        WIREMOCK.resetRequests();
        deliver(alert("gh", fp, "title", "API errors", "status", "resolved", "message", "back to normal"));
        List<LoggedRequest> resolve = WIREMOCK.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls()).containsExactly("POST " + SHOP + "/issues/7/comments", "PATCH " + SHOP + "/issues/7");
        assertThat(parse(resolve.get(0).getBodyAsString()).path("body").asText()).contains("back to normal", "**RESOLVED**");
        JsonNode close = parse(resolve.get(1).getBodyAsString());
        assertThat(fieldNames(close)).containsExactlyInAnyOrder("state", "state_reason");
        assertThat(close.path("state").asText()).isEqualTo("closed");
        assertThat(close.path("state_reason").asText()).isEqualTo("completed");
        assertThat(resolve.get(1).getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(ref("gh-issues", fp).get("state")).isEqualTo("closed");

        // a second resolve of a closed issue has nothing to do
        WIREMOCK.resetRequests();
        deliver(alert("gh", fp, "title", "API errors", "status", "resolved"));
        assertThat(calls()).isEmpty();

        WIREMOCK.resetRequests();
        deliver(alert("gh", fp, "title", "API errors", "reason", "regression", "message", "it is back"));
        List<LoggedRequest> regression = WIREMOCK.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls()).containsExactly("PATCH " + SHOP + "/issues/7", "POST " + SHOP + "/issues/7/comments");
        JsonNode reopen = parse(regression.get(0).getBodyAsString());
        assertThat(fieldNames(reopen)).containsExactly("state");
        assertThat(reopen.path("state").asText()).isEqualTo("open");
        assertThat(parse(regression.get(1).getBodyAsString()).path("body").asText()).contains("it is back", "regression");
        assertThat(ref("gh-issues", fp).get("state")).isEqualTo("open");
        assertThat(ref("gh-issues", fp).get("ref")).isEqualTo("7");
    }

    @Test
    void aRetryAfterTheReopenOnlyRetriesTheCommentAndAKnownIssueIsNeverCreatedAgain() {
        // as after a restart: the issue is only known from the database
        String fp = fingerprint();
        jdbc.update("INSERT INTO external_refs (channel_id, fingerprint, ref, state, url, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                "gh-issues", fp, "77", "closed", "https://github.com/acme/shop/issues/77", Timestamp.from(Instant.now()));
        WIREMOCK.stubFor(patch(urlPathEqualTo(SHOP + "/issues/77")).willReturn(issue(77, "open")));
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues/77/comments")).inScenario("flaky comment")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(json(502, "{\"message\":\"Server Error\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues/77/comments")).inScenario("flaky comment")
                .whenScenarioStateIs("up").willReturn(json(201, "{\"id\":5}")));

        Map<String, Object> delivery = deliver(alert("gh", fp, "title", "Regressed", "reason", "regression"));

        assertThat(delivery.get("attempts")).isEqualTo(2);
        assertThat(calls()).containsExactly("PATCH " + SHOP + "/issues/77", "POST " + SHOP + "/issues/77/comments",
                "POST " + SHOP + "/issues/77/comments");
        assertThat(ref("gh-issues", fp).get("state")).isEqualTo("open");
    }

    @Test
    void aResolveForAFingerprintWithoutAnIssueSendsNothing() {
        String fp = fingerprint();
        Map<String, Object> delivery = deliver(alert("gh", fp, "title", "Never opened", "status", "resolved"));
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(WIREMOCK.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM external_refs WHERE fingerprint = ?", Integer.class, fp)).isZero();
    }

    @Test
    void withoutOnlyNewIssuesEveryFiringAlertOpensAnIssueAndResolveOnlyComments() {
        String path = "/repos/acme/every";
        WIREMOCK.stubFor(post(urlPathEqualTo(path + "/issues")).inScenario("numbers").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("second").willReturn(issue(5, "open")));
        WIREMOCK.stubFor(post(urlPathEqualTo(path + "/issues")).inScenario("numbers").whenScenarioStateIs("second")
                .willReturn(issue(6, "open")));
        WIREMOCK.stubFor(post(urlPathEqualTo(path + "/issues/6/comments")).willReturn(json(201, "{\"id\":9}")));
        String fp = fingerprint();

        deliver(alert("gh-every", fp, "title", "Job failed"));
        deliver(alert("gh-every", fp, "title", "Job failed", "reason", "repeat"));
        deliver(alert("gh-every", fp, "title", "Job failed", "status", "resolved"));

        assertThat(calls()).containsExactly("POST " + path + "/issues", "POST " + path + "/issues",
                "POST " + path + "/issues/6/comments");
        assertThat(ref("gh-every", fp).get("ref")).isEqualTo("6");
        assertThat(ref("gh-every", fp).get("state")).isEqualTo("open");
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = '|', value = {
            "401|auth_error|Bad credentials|{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}",
            "403|auth_error|Resource not accessible by personal access token|{\"message\":\"Resource not accessible by personal access token\",\"documentation_url\":\"https://docs.github.com/rest/issues/issues#create-an-issue\",\"status\":\"403\"}",
            "404|client_error|Not Found|{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest/issues/issues#create-an-issue\",\"status\":\"404\"}",
            "410|client_error|Issues are disabled for this repo|{\"message\":\"Issues are disabled for this repo\",\"documentation_url\":\"https://docs.github.com/v3/issues/\",\"status\":\"410\"}",
            "422|client_error|Validation Failed: Issue.title missing_field; Issue.assignees invalid|{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Issue\",\"field\":\"title\",\"code\":\"missing_field\"},{\"value\":\"ghost\",\"resource\":\"Issue\",\"field\":\"assignees\",\"code\":\"invalid\"}],\"documentation_url\":\"https://docs.github.com/rest/issues/issues#create-an-issue\",\"status\":\"422\"}"})
    void refusalsAreNotRetriedAndGithubsMessageLandsInTheFailureFields(int status, String type, String summary, String answer) {
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).willReturn(json(status, answer)));
        long failedBefore = failedCount("gh-errors");

        Map<String, Object> delivery = deliver(alert("gh-errors", fingerprint(), "title", "Refused"), "dead");

        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(WIREMOCK.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
        Map<String, Object> s = awaitFailureRecorded("gh-errors", failedBefore);
        assertThat(s.get("last_failure_error_type")).isEqualTo(type);
        assertThat(s.get("last_failure_status_code")).isEqualTo(status);
        assertThat((String) s.get("last_failure_error_message")).startsWith("HTTP " + status).endsWith(": " + summary)
                .doesNotContain("\n").doesNotContain(ERRORS_TOKEN);
        assertThat(s.get("last_failure_response_text")).isEqualTo(answer);
        assertThat(s.get("last_failure_is_json")).isEqualTo(true);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterThenSucceeds() {
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("ok").willReturn(json(429, "{\"message\":\"API rate limit exceeded\"}").withHeader("Retry-After", "1")));
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(issue(3, "open")));

        Map<String, Object> delivery = deliver(alert("gh-errors", fingerprint(), "title", "Throttled"));

        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(ERRORS + "/issues")));
        assertThat(requests).hasSize(2);
        assertThat(gap(requests)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aSecondaryRateLimit403IsRetriedAsRateLimitedNotAnAuthError() {
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).willReturn(json(403,
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}")
                .withHeader("Retry-After", "1")));
        long failedBefore = failedCount("gh-errors");

        Map<String, Object> delivery = deliver(alert("gh-errors", fingerprint(), "title", "Secondary limit"), "dead");

        assertThat(delivery.get("attempts")).isEqualTo(3);
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(ERRORS + "/issues")));
        assertThat(requests).hasSize(3);
        assertThat(gap(requests)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        Map<String, Object> s = awaitFailureRecorded("gh-errors", failedBefore);
        assertThat(s.get("last_failure_error_type")).isEqualTo("rate_limited");
        assertThat(s.get("last_failure_status_code")).isEqualTo(403);
        assertThat((String) s.get("last_failure_error_message")).contains("secondary rate limit");
    }

    @Test
    void aPrimaryRateLimit403WaitsForTheReset() {
        long reset = Instant.now().getEpochSecond() + 2;
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).inScenario("primary").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("ok").willReturn(json(403, "{\"message\":\"API rate limit exceeded for user ID 1.\"}")
                        .withHeader("X-RateLimit-Remaining", "0").withHeader("X-RateLimit-Reset", String.valueOf(reset))));
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).inScenario("primary").whenScenarioStateIs("ok")
                .willReturn(issue(4, "open")));

        Map<String, Object> delivery = deliver(alert("gh-errors", fingerprint(), "title", "Primary limit"));

        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(ERRORS + "/issues")));
        assertThat(requests).hasSize(2);
        // the test profile's backoff alone would retry after about 50 ms
        assertThat(requests.get(1).getLoggedDate().toInstant()).isAfterOrEqualTo(Instant.ofEpochSecond(reset).minusMillis(100));
    }

    @Test
    void serverErrorsAreRetriedUntilTheAttemptsAreUsedUp() {
        WIREMOCK.stubFor(post(urlPathEqualTo(ERRORS + "/issues")).willReturn(json(502, "{\"message\":\"Server Error\"}")));
        long failedBefore = failedCount("gh-errors");
        String fp = fingerprint();

        Map<String, Object> delivery = deliver(alert("gh-errors", fp, "title", "Down"), "dead");

        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat(WIREMOCK.findAll(anyRequestedFor(anyUrl()))).hasSize(3);
        Map<String, Object> s = awaitFailureRecorded("gh-errors", failedBefore);
        assertThat(s.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(s.get("last_failure_status_code")).isEqualTo(502);
        assertThat((String) s.get("last_failure_error_message")).endsWith(": Server Error");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM external_refs WHERE fingerprint = ?", Integer.class, fp)).isZero();
    }

    @Test
    void hostileTextStaysValidJsonWithinGithubsLimits() {
        WIREMOCK.stubFor(post(urlPathEqualTo(SHOP + "/issues")).willReturn(issue(99, "open")));
        String title = "Quote \" backslash \\ <script>alert(1)</script> 🚨\nsecond line\u0000\u0007 @carol " + "é".repeat(300) + " tail";
        StringBuilder message = new StringBuilder("<!-- hidden? --> \"quotes\" 'single' \u0000\u001b[31m ansi 👩‍👩‍👧 @dave\n");
        while (message.length() < 1024 * 1024) {
            message.append("line with emoji 🚨 and <b>html</b> & \"quotes\"\n");
        }

        String id = accept(alert("gh", fingerprint(), "title", title, "severity", "critical", "message", message.toString()));

        assertThat(awaitDelivery(id, "gh-issues").get("status")).isEqualTo("sent");
        LoggedRequest r = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(SHOP + "/issues"))).get(0);
        JsonNode body = parse(r.getBodyAsString());
        String sentTitle = body.path("title").asText();
        assertThat(sentTitle.length()).isLessThanOrEqualTo(256);
        assertThat(sentTitle).startsWith("[CRITICAL] Quote \" backslash \\ <script>alert(1)</script> 🚨 second line @" + ZWJ + "carol")
                .endsWith(Limits.MARKER).doesNotContain("\n", "\r", "\u0000", "\u0007");
        String sentBody = body.path("body").asText();
        assertThat(sentBody.length()).isLessThanOrEqualTo(65536);
        assertThat(sentBody).contains(Limits.MARKER, "👩‍👩‍👧", "@" + ZWJ + "dave", "\"quotes\"")
                .doesNotContain("\u0000", "\u001b");
        // the cut never splits a surrogate pair
        assertThat(sentBody.codePoints()).allMatch(cp -> cp < 0xD800 || cp > 0xDFFF);
    }

    @Test
    void previewShowsTheNextRequestWithTheTokenMaskedAndSendsNothing() {
        String fp = fingerprint();
        HttpResponse<String> r = postJson("/channels/gh-issues/preview",
                alert("gh", fp, "title", "Preview me", "message", "hi @erin"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN);
        JsonNode request = parse(r.body()).path("request");
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo("http://localhost:" + WIREMOCK.port() + SHOP + "/issues");
        JsonNode headers = request.path("headers");
        assertThat(headers.path("Authorization").asText()).isEqualTo("Bearer ********");
        assertThat(headers.path("Accept").asText()).isEqualTo("application/vnd.github+json");
        assertThat(headers.path("X-GitHub-Api-Version").asText()).isEqualTo("2022-11-28");
        assertThat(headers.path("User-Agent").asText()).isEqualTo("alert-relay");
        assertThat(request.path("body").path("title").asText()).isEqualTo("[MEDIUM] Preview me");
        assertThat(request.path("body").path("body").asText()).contains("hi @" + ZWJ + "erin");
        assertThat(texts(request.path("body").path("labels"))).containsExactly("alert", "relay");

        // with an issue on record the preview is the comment on it
        jdbc.update("INSERT INTO external_refs (channel_id, fingerprint, ref, state, url, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                "gh-issues", fp, "12", "open", "https://github.com/acme/shop/issues/12", Timestamp.from(Instant.now()));
        JsonNode comment = parse(postJson("/channels/gh-issues/preview", alert("gh", fp, "title", "Preview me")).body()).path("request");
        assertThat(comment.path("url").asText()).endsWith(SHOP + "/issues/12/comments");
        assertThat(comment.path("headers").path("Authorization").asText()).isEqualTo("Bearer ********");

        assertThat(WIREMOCK.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(ref("gh-issues", fp).get("state")).isEqualTo("open");
    }

    // --- helpers

    private Map<String, Object> deliver(Map<String, Object> alert) {
        return deliver(alert, "sent");
    }

    private Map<String, Object> deliver(Map<String, Object> alert, String expectedStatus) {
        String id = accept(alert);
        Map<String, Object> d = awaitDelivery(id, channelOf(alert));
        assertThat(d.get("status")).as("delivery status, last error: %s", d.get("last_error")).isEqualTo(expectedStatus);
        return d;
    }

    @SuppressWarnings("unchecked")
    private static String channelOf(Map<String, Object> alert) {
        String route = ((Map<String, String>) alert.get("labels")).get("route");
        return switch (route) {
            case "gh" -> "gh-issues";
            default -> route;
        };
    }

    private static Map<String, Object> alert(String route, String fingerprint, Object... fields) {
        Map<String, Object> a = new HashMap<>();
        a.put("fingerprint", fingerprint);
        a.put("labels", Map.of("route", route));
        for (int i = 0; i < fields.length; i += 2) {
            a.put((String) fields[i], fields[i + 1]);
        }
        return a;
    }

    private static String fingerprint() {
        return "fp-" + UUID.randomUUID();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    private static ResponseDefinitionBuilder issue(int number, String state) {
        return json(201, "{\"number\":" + number + ",\"html_url\":\"https://github.com/acme/shop/issues/" + number
                + "\",\"state\":\"" + state + "\",\"title\":\"x\"}");
    }

    /** "METHOD path" of every request GitHub received, in order. */
    private static List<String> calls() {
        return WIREMOCK.findAll(anyRequestedFor(anyUrl())).stream()
                .map(r -> r.getMethod().getName() + " " + r.getUrl()).toList();
    }

    private Map<String, Object> ref(String channel, String fingerprint) {
        return jdbc.queryForMap("SELECT ref, state, url FROM external_refs WHERE channel_id = ? AND fingerprint = ?",
                channel, fingerprint);
    }

    private long failedCount(String channel) {
        return ((Number) channelStatus(channel).get("failed_count")).longValue();
    }

    /** The failure fields are written just after the delivery turns dead. */
    private Map<String, Object> awaitFailureRecorded(String channel, long failedBefore) {
        await("failure fields of " + channel, () -> failedCount(channel) > failedBefore);
        return channelStatus(channel);
    }

    private static Duration gap(List<LoggedRequest> requests) {
        return Duration.between(requests.get(0).getLoggedDate().toInstant(), requests.get(1).getLoggedDate().toInstant());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
