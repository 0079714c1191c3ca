package io.alertrelay.kinds.pagerduty;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelConfigFailureAnalyzer;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.channel.KindSource;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.support.PackagedKinds;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.test.context.ActiveProfiles;

/** WireMock plays the PagerDuty Events API v2 (POST /v2/enqueue) as its documentation describes it. */
@ActiveProfiles({"test", "pagerduty"})
class PagerDutyDeliveryTest extends RelayTestSupport {

    static final String PATH = "/v2/enqueue";
    static final String MAIN_KEY = "pdmainroutingkey0123456789abcdef";
    static final String ERRORS_KEY = "pderrorsroutingkey0123456789abcd";
    /** PagerDuty's limit is "512 KB"; the relay keeps events within 512,000 bytes. */
    static final int MAX_EVENT_BYTES = 512_000;
    static final String INVALID_EVENT = "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
            + "\"errors\":[\"'payload.summary' is missing or blank\",\"'payload.source' is missing or blank\"]}";

    /** The kind as its kind file declares it, for validating channels without a relay. */
    static final KindSource PAGERDUTY = PackagedKinds.only("pagerduty");

    @Autowired
    List<PayloadBuilder> builders;

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
        // PagerDuty's documented success answer, echoing the dedup key it was sent
        WIREMOCK.stubFor(post(urlPathEqualTo(PATH)).atPriority(10).willReturn(eventProcessed()));
    }

    @Test
    void triggerCarriesTheDocumentedFields() {
        String fp = "checkout-latency-" + UUID.randomUUID();
        String id = accept(Map.of("title", "Checkout p99 above 2s", "severity", "high", "fingerprint", fp,
                "message", "**p99** is `2.1s` on _eu-1_", "source", "shop-api",
                "url", "https://grafana.example/d/checkout", "occurredAt", "2024-05-01T10:00:00Z",
                "labels", Map.of("route", "pd-main", "env", "prod"),
                "details", Map.of("region", "eu-1", "latency_ms", 2100, "env", "from-details")));

        Map<String, Object> delivery = awaitDelivery(id, "pd-main");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(1);

        List<LoggedRequest> requests = requestsFor(fp);
        assertThat(requests).hasSize(1);
        LoggedRequest r = requests.get(0);
        assertThat(r.getMethod().value()).isEqualTo("POST");
        assertThat(r.getUrl()).isEqualTo(PATH);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));

        JsonNode e = parse(r.getBodyAsString());
        assertThat(e.path("routing_key").asText()).isEqualTo(MAIN_KEY);
        assertThat(e.path("event_action").asText()).isEqualTo("trigger");
        assertThat(e.path("dedup_key").asText()).isEqualTo(fp);
        assertThat(e.path("client").asText()).isEqualTo("alert-relay");
        JsonNode p = e.path("payload");
        assertThat(p.path("summary").asText()).isEqualTo("[HIGH] Checkout p99 above 2s");
        assertThat(p.path("source").asText()).isEqualTo("shop-api");
        assertThat(p.path("severity").asText()).isEqualTo("error");
        assertThat(p.path("timestamp").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(p.path("component").asText()).isEqualTo("checkout");
        assertThat(p.path("group").asText()).isEqualTo("shop-stack");
        assertThat(p.path("class").asText()).isEqualTo("latency");
        JsonNode cd = p.path("custom_details");
        assertThat(cd.path("region").asText()).isEqualTo("eu-1");
        assertThat(cd.path("latency_ms").asInt()).isEqualTo(2100);
        assertThat(cd.path("route").asText()).isEqualTo("pd-main");
        // details win over a label of the same name
        assertThat(cd.path("env").asText()).isEqualTo("from-details");
        // the Markdown body arrives as plain text, PagerDuty does not render Markdown
        assertThat(cd.path("message").asText()).startsWith("p99 is \"2.1s\" on eu-1").contains("Severity: high")
                .doesNotContain("**");
        assertThat(e.path("links")).hasSize(1);
        assertThat(e.path("links").get(0).path("href").asText()).isEqualTo("https://grafana.example/d/checkout");
        assertThat(e.path("links").get(0).path("text").asText()).isEqualTo("View alert");

        assertThat(ref("pd-main", fp)).containsEntry("ref", fp).containsEntry("state", "triggered");
    }

    @Test
    void allFiveSeveritiesMapToPagerDutySeverities() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("critical", "critical");
        expected.put("high", "error");
        expected.put("medium", "warning");
        expected.put("low", "info");
        expected.put("info", "info");
        String run = UUID.randomUUID().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        expected.keySet().forEach(s -> ids.put(s, accept(Map.of("title", "Severity " + s, "severity", s,
                "fingerprint", "sev-" + s + "-" + run, "labels", Map.of("route", "pd-main")))));

        ids.forEach((s, id) -> assertThat(awaitDelivery(id, "pd-main").get("status")).isEqualTo("sent"));
        expected.forEach((s, pd) -> {
            List<LoggedRequest> requests = requestsFor("sev-" + s + "-" + run);
            assertThat(requests).as(s).hasSize(1);
            JsonNode payload = parse(requests.get(0).getBodyAsString()).path("payload");
            assertThat(payload.path("severity").asText()).as(s).isEqualTo(pd);
            // no source on the alert nor on the channel
            assertThat(payload.path("source").asText()).isEqualTo("alert-relay");
        });
    }

    @Test
    void channelSourceAndNoLinkWhenIncludeLinkIsOff() {
        String fp = "plain-" + UUID.randomUUID();
        String id = accept(Map.of("title", "Plain", "fingerprint", fp, "source", "ignored-host",
                "url", "https://tracker.example/1", "labels", Map.of("route", "pd-plain")));

        assertThat(awaitDelivery(id, "pd-plain").get("status")).isEqualTo("sent");
        JsonNode e = parse(requestsFor(fp).get(0).getBodyAsString());
        assertThat(e.path("routing_key").asText()).isEqualTo("pdplainroutingkey0123456789abcde");
        assertThat(e.path("payload").path("source").asText()).isEqualTo("custom-host.example");
        assertThat(e.path("payload").path("severity").asText()).isEqualTo("warning");
        assertThat(e.has("links")).isFalse();
        assertThat(e.path("payload").has("component")).isFalse();
        assertThat(e.path("payload").has("group")).isFalse();
        assertThat(e.path("payload").has("class")).isFalse();
    }

    @Test
    void firingAcknowledgedResolvedActOnOneDedupKey() throws Exception {
        // not printable ASCII, so the dedup key is a hash of the fingerprint
        String fp = "🔥 disk full on db1 " + UUID.randomUUID();
        String key = "sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(fp.getBytes(StandardCharsets.UTF_8)));
        List<String> ids = new ArrayList<>();
        for (String status : List.of("firing", "acknowledged", "resolved")) {
            ids.add(accept(Map.of("title", "Disk full", "status", status, "fingerprint", fp, "severity", "critical",
                    "labels", Map.of("route", "pd-main"))));
        }
        for (String id : ids) {
            assertThat(awaitDelivery(id, "pd-main").get("status")).isEqualTo("sent");
        }

        List<LoggedRequest> requests = requestsFor(key);
        assertThat(requests).hasSize(3);
        List<JsonNode> events = requests.stream().map(r -> parse(r.getBodyAsString())).toList();
        assertThat(events).extracting(e -> e.path("event_action").asText())
                .containsExactly("trigger", "acknowledge", "resolve");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("dedup_key").asText()).isEqualTo(key).hasSizeLessThanOrEqualTo(255);
            assertThat(e.path("routing_key").asText()).isEqualTo(MAIN_KEY);
        });
        assertThat(events.get(0).path("payload").path("severity").asText()).isEqualTo("critical");
        // acknowledge and resolve carry exactly what the API requires
        for (JsonNode e : events.subList(1, 3)) {
            assertThat(fieldNames(e)).containsExactlyInAnyOrder("routing_key", "event_action", "dedup_key");
        }
        assertThat(ref("pd-main", fp)).containsEntry("ref", key).containsEntry("state", "resolved");
    }

    @Test
    void aStoredDedupKeyWinsSoLifecycleSurvivesARestart() {
        // as left by an earlier run of the relay: the database is all a restarted relay knows
        String fp = "restart-" + UUID.randomUUID();
        jdbc.update("INSERT INTO external_refs (channel_id, fingerprint, ref, state, url, updated_at) "
                + "VALUES (?, ?, ?, 'triggered', NULL, CURRENT_TIMESTAMP)", "pd-main", fp, "incident-from-before");

        String id = accept(Map.of("title", "Recovered", "status", "resolved", "fingerprint", fp,
                "labels", Map.of("route", "pd-main")));

        assertThat(awaitDelivery(id, "pd-main").get("status")).isEqualTo("sent");
        assertThat(requestsFor(fp)).isEmpty();
        List<LoggedRequest> requests = requestsFor("incident-from-before");
        assertThat(requests).hasSize(1);
        assertThat(parse(requests.get(0).getBodyAsString()).path("event_action").asText()).isEqualTo("resolve");
        assertThat(ref("pd-main", fp)).containsEntry("ref", "incident-from-before").containsEntry("state", "resolved");
    }

    @Test
    void invalidEventIsNotRetriedAndErrorsLandInTheFailureFields() {
        String fp = "invalid-" + UUID.randomUUID();
        WIREMOCK.stubFor(forKey(fp).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(INVALID_EVENT)));

        String id = accept(Map.of("title", "Rejected", "fingerprint", fp, "labels", Map.of("route", "pd-errors")));

        Map<String, Object> delivery = awaitDelivery(id, "pd-errors");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat(requestsFor(fp)).hasSize(1);
        Map<String, Object> status = channelStatus("pd-errors");
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(400);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 400")
                .contains("Event object is invalid: 'payload.summary' is missing or blank; 'payload.source' is missing or blank")
                .doesNotContain(ERRORS_KEY);
        assertThat(status.get("last_failure_response_text")).isEqualTo(INVALID_EVENT);
        assertThat(status.get("last_failure_is_json")).isEqualTo(true);
        // PagerDuty never took it, so there is no incident to remember
        assertThat(jdbc.queryForList("SELECT * FROM external_refs WHERE fingerprint = ?", fp)).isEmpty();
    }

    @Test
    void throttledEventIsRetriedAfterRetryAfter() {
        String fp = "throttled-" + UUID.randomUUID();
        WIREMOCK.stubFor(forKey(fp).inScenario(fp).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too quickly. Please retry later.\"}"))
                .willSetStateTo("open"));
        WIREMOCK.stubFor(forKey(fp).inScenario(fp).whenScenarioStateIs("open").willReturn(eventProcessed()));

        String id = accept(Map.of("title", "Throttled", "fingerprint", fp, "labels", Map.of("route", "pd-errors")));

        Map<String, Object> delivery = awaitDelivery(id, "pd-errors");
        assertThat(delivery.get("status")).isEqualTo("sent");
        assertThat(delivery.get("attempts")).isEqualTo(2);
        List<LoggedRequest> requests = requestsFor(fp);
        assertThat(requests).hasSize(2);
        long waited = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        // the test profile's backoff is 50 ms; only Retry-After explains a wait of a second
        assertThat(waited).isGreaterThanOrEqualTo(900);
        assertThat(requests.get(1).getBodyAsString()).isEqualTo(requests.get(0).getBodyAsString());
        assertThat(ref("pd-errors", fp)).containsEntry("state", "triggered");
    }

    @Test
    void serverErrorsAreRetriedUntilTheDeliveryIsDead() {
        String fp = "outage-" + UUID.randomUUID();
        WIREMOCK.stubFor(forKey(fp).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Bad Gateway</body></html>")));

        String id = accept(Map.of("title", "PagerDuty down", "fingerprint", fp, "labels", Map.of("route", "pd-errors")));

        Map<String, Object> delivery = awaitDelivery(id, "pd-errors");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        assertThat(requestsFor(fp)).hasSize(3);
        Map<String, Object> status = channelStatus("pd-errors");
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(502);
        assertThat((String) status.get("last_failure_error_message")).contains("HTTP 502");
        assertThat(status.get("last_failure_response_text")).isEqualTo("<html><body>Bad Gateway</body></html>");
        assertThat(status.get("last_failure_is_json")).isEqualTo(false);
    }

    @Test
    void startupRefusesARoutingKeyOfTheWrongLength() {
        String short31 = MAIN_KEY.substring(0, 31);
        RelayProperties props = new RelayProperties();
        props.setChannels(List.of(pagerDutyChannel("pd-short", short31)));

        // the constructor is what Spring runs at startup
        assertThatThrownBy(() -> new ChannelRegistry(props, builders, List.of(PAGERDUTY)))
                .isInstanceOf(InvalidChannelConfigException.class)
                .hasMessage("channel 'pd-short': config.routing-key must be exactly 32 characters long, got 31")
                .satisfies(e -> {
                    FailureAnalysis a = new ChannelConfigFailureAnalyzer().analyze(new BeanCreationException("channelRegistry", e));
                    assertThat(a.getDescription()).isEqualTo("Invalid channel configuration: channel 'pd-short': "
                            + "config.routing-key must be exactly 32 characters long, got 31").doesNotContain(short31);
                });

        ChannelRegistry registry = new ChannelRegistry(new RelayProperties(), builders, List.of(PAGERDUTY));
        assertThatThrownBy(() -> registry.validate(List.of(pagerDutyChannel("pd-long", MAIN_KEY + "x"))))
                .hasMessage("channel 'pd-long': config.routing-key must be exactly 32 characters long, got 33");
        assertThatThrownBy(() -> registry.validate(List.of(pagerDutyChannel("pd-none", null))))
                .hasMessageStartingWith("channel 'pd-none': config.routing-key is required for kind pagerduty");
        Channel ok = registry.validate(List.of(pagerDutyChannel("pd-ok", MAIN_KEY))).get("pd-ok");
        assertThat(ok.string("events-url")).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(ok.string("default-severity")).isEqualTo("warning");
        assertThat(ok.bool("include-link")).isTrue();
        assertThat(ok.maskedConfig()).containsEntry("routing-key", "********");
    }

    @Test
    void hostileInputStaysValidJsonWithinPagerDutysLimits() {
        String fp = "hostile-" + UUID.randomUUID();
        String nasty = "Disk \"full\" <b>now</b> 🔥\r\nsecond line\u0001\u0007\ttab ";
        // the longest title an alert may have; the template's "[CRITICAL] " makes it too long for a summary
        StringBuilder title = new StringBuilder(nasty);
        while (title.length() < 1024) {
            title.append('x');
        }
        StringBuilder message = new StringBuilder(1_050_000);
        while (message.length() < 1_000_000) {
            message.append("Line \"quoted\" <script>alert('x')</script> 🔥 \u0002 emoji 🚒 \\ back\\slash\n");
        }
        Map<String, Object> details = Map.of("quote", "say \"hi\"", "html", "<img src=x onerror=alert(1)>",
                "ctl", "a\u0000b\u001fc", "emoji", "🔥🚒");
        String id = accept(Map.of("title", title.toString(), "severity", "critical", "fingerprint", fp,
                "message", message.toString(), "details", details, "labels", Map.of("route", "pd-main")));

        assertThat(awaitDelivery(id, "pd-main").get("status")).isEqualTo("sent");
        LoggedRequest r = requestsFor(fp).get(0);
        // within the limit, and the message was cut no more than needed
        assertThat(r.getBody().length).isLessThanOrEqualTo(MAX_EVENT_BYTES)
                .isGreaterThan(MAX_EVENT_BYTES - 1_000);
        JsonNode e = parse(new String(r.getBody(), StandardCharsets.UTF_8));
        String summary = e.path("payload").path("summary").asText();
        assertThat(summary).hasSizeLessThanOrEqualTo(1024).doesNotContain("\n", "\r")
                .startsWith("[CRITICAL] Disk \"full\" <b>now</b> 🔥 second line").endsWith(Limits.MARKER);
        JsonNode cd = e.path("payload").path("custom_details");
        assertThat(cd.path("message").asText())
                .contains("Line \"quoted\" <script>alert('x')</script> 🔥").endsWith(Limits.MARKER);
        details.forEach((k, v) -> assertThat(cd.path(k).asText()).isEqualTo(v));
    }

    @Test
    void detailsTooLargeForPagerDutyAreSentAsCutText() {
        String fp = "big-details-" + UUID.randomUUID();
        String id = accept(Map.of("title", "Huge details", "fingerprint", fp, "message", "short",
                "details", Map.of("blob", "y".repeat(700_000)), "labels", Map.of("route", "pd-main")));

        assertThat(awaitDelivery(id, "pd-main").get("status")).isEqualTo("sent");
        LoggedRequest r = requestsFor(fp).get(0);
        assertThat(r.getBody().length).isLessThanOrEqualTo(MAX_EVENT_BYTES)
                .isGreaterThan(MAX_EVENT_BYTES - 1_000);
        JsonNode cd = parse(r.getBodyAsString()).path("payload").path("custom_details");
        assertThat(cd.path("details").asText()).startsWith("{\"blob\":\"yyy").endsWith(Limits.MARKER);
        assertThat(cd.path("route").asText()).isEqualTo("pd-main");
        assertThat(parse(r.getBodyAsString()).path("payload").path("summary").asText()).isEqualTo("[MEDIUM] Huge details");
    }

    @Test
    void previewShowsTheEventWithTheRoutingKeyMasked() {
        String fp = "preview-" + UUID.randomUUID();
        HttpResponse<String> res = postJson("/channels/pd-main/preview", Map.of("title", "Preview me",
                "severity", "low", "fingerprint", fp, "url", "https://tracker.example/9"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain(MAIN_KEY);
        JsonNode req = parse(res.body()).path("request");
        assertThat(req.path("method").asText()).isEqualTo("POST");
        assertThat(req.path("url").asText()).isEqualTo("http://localhost:" + WIREMOCK.port() + PATH);
        assertThat(req.path("headers").path("Content-Type").asText()).startsWith("application/json");
        JsonNode body = req.path("body");
        assertThat(body.path("routing_key").asText()).isEqualTo("********");
        assertThat(body.path("event_action").asText()).isEqualTo("trigger");
        assertThat(body.path("dedup_key").asText()).isEqualTo(fp);
        assertThat(body.path("payload").path("summary").asText()).isEqualTo("[LOW] Preview me");
        assertThat(body.path("payload").path("severity").asText()).isEqualTo("info");
        assertThat(body.path("links").get(0).path("href").asText()).isEqualTo("https://tracker.example/9");

        HttpResponse<String> resolve = postJson("/channels/pd-main/preview", Map.of("title", "Preview me",
                "status", "resolved", "fingerprint", fp));
        assertThat(resolve.body()).doesNotContain(MAIN_KEY);
        assertThat(fieldNames(parse(resolve.body()).path("request").path("body")))
                .containsExactlyInAnyOrder("routing_key", "event_action", "dedup_key");
        // a preview sends nothing and remembers nothing
        assertThat(requestsFor(fp)).isEmpty();
        assertThat(jdbc.queryForList("SELECT * FROM external_refs WHERE fingerprint = ?", fp)).isEmpty();
    }

    private static ResponseDefinitionBuilder eventProcessed() {
        return aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\","
                        + "\"dedup_key\":\"{{jsonPath request.body '$.dedup_key'}}\"}")
                .withTransformers("response-template");
    }

    private static MappingBuilder forKey(String dedupKey) {
        return post(urlPathEqualTo(PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.dedup_key", equalTo(dedupKey)));
    }

    private static List<LoggedRequest> requestsFor(String dedupKey) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.dedup_key", equalTo(dedupKey))));
    }

    private Map<String, Object> ref(String channelId, String fingerprint) {
        return jdbc.queryForMap("SELECT ref, state FROM external_refs WHERE channel_id = ? AND fingerprint = ?",
                channelId, fingerprint);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static ChannelProperties pagerDutyChannel(String id, String routingKey) {
        ChannelProperties p = new ChannelProperties();
        p.setId(id);
        p.setKind("pagerduty");
        Map<String, Object> config = new LinkedHashMap<>();
        if (routingKey != null) {
            config.put("routing-key", routingKey);
        }
        p.setConfig(config);
        return p;
    }
}
