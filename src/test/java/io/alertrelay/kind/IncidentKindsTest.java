package io.alertrelay.kind;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paging, incident and automation kinds built by their kind files alone: pushover, victorops, incidentio, datadog, jenkins. */
class IncidentKindsTest extends KindTestSupport {

    static final String VO_KEY = "vo-5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a";
    static final String VO_PATH = "/victorops/alert/" + VO_KEY + "/database";
    static final String INC_PATH = "/incidentio/v2/alert_events/http/01HX4Z9Q8R7S6T5V4W3X2Y1Z0A";
    static final String DD_KEY = "0123456789abcdef0123456789abcdef";
    static final String JENKINS_TOKEN = "11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7";

    private List<LoggedRequest> posts(String path) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void pushoverCriticalIsAnEmergencyWithRetryAndExpire() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/pushover/1/messages.json")).willReturn(aResponse().withStatus(200)
                .withBody("{\"status\":1,\"request\":\"647d2300\"}")));

        String id = accept(alert("pushover", "title", "Site down", "severity", "critical", "message", "**All** pods " + "x".repeat(2000),
                "url", "https://status.example"));

        assertThat(awaitDelivery(id, "pushover-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = posts("/pushover/1/messages.json").get(0);
        assertThat(r.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> f = form(r.getBodyAsString());
        assertThat(f.get("token")).isEqualTo("azGDORePK8gMaC0QOYAMyEEuzJnyUi");
        assertThat(f.get("user")).isEqualTo("uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
        assertThat(f.get("title")).isEqualTo("[CRITICAL] Site down");
        assertThat(f.get("priority")).isEqualTo("2");
        assertThat(f.get("retry")).isEqualTo("60");
        assertThat(f.get("expire")).isEqualTo("3600");
        assertThat(f.get("message")).startsWith("All pods").hasSize(1024).endsWith(io.alertrelay.delivery.Limits.MARKER);
        assertThat(f.get("url")).isEqualTo("https://status.example");
        assertThat(f).doesNotContainKey("device");
    }

    @Test
    void pushoverInvalidUserIsRecordedAndKeysAreMaskedInPreview() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/pushover/1/messages.json")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"user\":\"invalid\",\"errors\":[\"user identifier is not a valid user, group, or subscribed user key\"],\"status\":0,\"request\":\"5042853c\"}")));
        long before = failedCount("pushover-ops");

        String id = accept(alert("pushover", "title", "Nobody", "severity", "low"));

        Map<String, Object> d = awaitDelivery(id, "pushover-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(1);
        Map<String, Object> status = awaitFailureRecorded("pushover-ops", before);
        assertThat((String) status.get("last_failure_error_message")).endsWith(": user identifier is not a valid user, group, or subscribed user key");
        String preview = preview("pushover-ops", alert("pushover", "title", "P")).toString();
        assertThat(preview).doesNotContain("azGDORePK8gMaC0QOYAMyEEuzJnyUi").doesNotContain("uQiRzpo4DXghDmr9QzzfQu27cmVRsG");
    }

    @Test
    void victorOpsMapsSeverityAndRecoversOnTheFingerprint() {
        WIREMOCK.stubFor(post(urlPathEqualTo(VO_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("{\"result\":\"success\",\"entity_id\":\"disk-db-1\"}")));

        String fired = accept(alert("victorops", "title", "Disk full", "severity", "high", "fingerprint", "disk-db-1"));
        assertThat(awaitDelivery(fired, "victorops-ops").get("status")).isEqualTo("sent");
        String resolved = accept(alert("victorops", "title", "Disk full", "fingerprint", "disk-db-1", "status", "resolved"));
        assertThat(awaitDelivery(resolved, "victorops-ops").get("status")).isEqualTo("sent");

        List<LoggedRequest> all = posts(VO_PATH);
        assertThat(all).hasSize(2);
        JsonNode first = parse(all.get(0).getBodyAsString());
        assertThat(first.path("message_type").asText()).isEqualTo("CRITICAL");
        assertThat(first.path("entity_id").asText()).isEqualTo("disk-db-1");
        assertThat(first.path("entity_display_name").asText()).isEqualTo("[HIGH] Disk full");
        assertThat(first.path("monitoring_tool").asText()).isEqualTo("alert-relay");
        assertThat(first.path("state_start_time").isNumber()).isTrue();
        assertThat(parse(all.get(1).getBodyAsString()).path("message_type").asText()).isEqualTo("RECOVERY");
    }

    @Test
    void victorOpsFailureAnsweredWith200IsNotCountedAsSent() {
        WIREMOCK.stubFor(post(urlPathEqualTo(VO_PATH)).willReturn(aResponse().withStatus(200)
                .withBody("{\"result\":\"failure\",\"message\":\"Missing fields: entity_id\"}")));
        long before = failedCount("victorops-ops");

        String id = accept(alert("victorops", "title", "Odd"));

        Map<String, Object> d = awaitDelivery(id, "victorops-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(1);
        Map<String, Object> status = awaitFailureRecorded("victorops-ops", before);
        assertThat(status.get("last_failure_error_type")).isEqualTo("client_error");
        assertThat((String) status.get("last_failure_error_message"))
                .isEqualTo("Splunk On-Call refused the alert: Missing fields: entity_id");
        assertThat(preview("victorops-ops", alert("victorops", "title", "P")).toString()).doesNotContain(VO_KEY);
    }

    @Test
    void incidentIoSendsFiringAndResolvedOnTheDeduplicationKey() {
        WIREMOCK.stubFor(post(urlPathEqualTo(INC_PATH)).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event accepted for processing\",\"deduplication_key\":\"api-5xx\"}")));

        String fired = accept(alert("incidentio", "title", "API 5xx", "fingerprint", "api-5xx", "severity", "critical",
                "url", "https://grafana.example/d/a", "labels", Map.of("team", "core")));
        assertThat(awaitDelivery(fired, "incidentio-ops").get("status")).isEqualTo("sent");
        String resolved = accept(alert("incidentio", "title", "API 5xx", "fingerprint", "api-5xx", "status", "resolved"));
        assertThat(awaitDelivery(resolved, "incidentio-ops").get("status")).isEqualTo("sent");

        List<LoggedRequest> all = posts(INC_PATH);
        assertThat(all).hasSize(2);
        assertThat(all.get(0).getHeader("Authorization")).isEqualTo("Bearer inc-sk_7Hq2Lw9Xe4Rt6Yu1Io3Pa5Sd8F");
        JsonNode first = parse(all.get(0).getBodyAsString());
        assertThat(first.path("deduplication_key").asText()).isEqualTo("api-5xx");
        assertThat(first.path("status").asText()).isEqualTo("firing");
        assertThat(first.path("title").asText()).isEqualTo("[CRITICAL] API 5xx");
        assertThat(first.path("source_url").asText()).isEqualTo("https://grafana.example/d/a");
        assertThat(first.path("metadata").path("severity").asText()).isEqualTo("critical");
        assertThat(first.path("metadata").path("labels").path("team").asText()).isEqualTo("core");
        assertThat(parse(all.get(1).getBodyAsString()).path("status").asText()).isEqualTo("resolved");
    }

    @Test
    void incidentIoValidationErrorIsDescribed() {
        WIREMOCK.stubFor(post(urlPathEqualTo(INC_PATH)).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"validation_error\",\"status\":422,\"errors\":[{\"code\":\"invalid_value\",\"message\":\"title is too long\"}]}")));
        long before = failedCount("incidentio-ops");

        String id = accept(alert("incidentio", "title", "Bad"));

        assertThat(awaitDelivery(id, "incidentio-ops").get("status")).isEqualTo("dead");
        assertThat((String) awaitFailureRecorded("incidentio-ops", before).get("last_failure_error_message"))
                .endsWith(": title is too long");
    }

    @Test
    void datadogPostsAnEventWithAggregationKeyTagsAndApiKeyHeader() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/datadog/api/v1/events")).willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"ok\",\"event\":{\"id\":1}}")));

        String id = accept(alert("datadog", "title", "CPU hot", "severity", "medium", "project", "shop", "fingerprint", "cpu-hot",
                "message", "CPU **95%**", "labels", Map.of("host", "web-1")));

        assertThat(awaitDelivery(id, "datadog-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = posts("/datadog/api/v1/events").get(0);
        assertThat(r.getHeader("DD-API-KEY")).isEqualTo(DD_KEY);
        JsonNode body = parse(r.getBodyAsString());
        assertThat(body.path("title").asText()).isEqualTo("[MEDIUM] CPU hot");
        assertThat(body.path("text").asText()).startsWith("%%% \n").contains("CPU **95%**").endsWith("\n %%%");
        assertThat(body.path("alert_type").asText()).isEqualTo("warning");
        assertThat(body.path("aggregation_key").asText()).isEqualTo("cpu-hot");
        assertThat(body.path("tags").toString()).contains("\"severity:medium\"", "\"project:shop\"", "\"host:web-1\"",
                "\"route:datadog\"", "\"team:ops\"");
    }

    @Test
    void datadogForbiddenIsAnAuthErrorAndTheSiteMakesTheDefaultUrl() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/datadog/api/v1/events")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[\"Forbidden\"]}")));
        long before = failedCount("datadog-ops");

        String id = accept(alert("datadog", "title", "Denied"));

        assertThat(awaitDelivery(id, "datadog-ops").get("status")).isEqualTo("dead");
        Map<String, Object> status = awaitFailureRecorded("datadog-ops", before);
        assertThat(status.get("last_failure_error_type")).isEqualTo("auth_error");
        assertThat((String) status.get("last_failure_error_message")).endsWith(": Forbidden");
        JsonNode request = preview("datadog-ops", alert("datadog", "title", "P")).path("request");
        assertThat(request.path("headers").path("DD-API-KEY").asText()).isEqualTo("********");
    }

    @Test
    void jenkinsFetchesACrumbAndTriggersEveryJobWithAlertParameters() {
        WIREMOCK.stubFor(get(urlPathEqualTo("/jenkins/crumbIssuer/api/json")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":\"c0ffee42\",\"crumbRequestField\":\"Jenkins-Crumb\"}")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/jenkins/job/remediate-disk/buildWithParameters")).willReturn(aResponse().withStatus(201)
                .withHeader("Location", "http://localhost/jenkins/queue/item/1/")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/jenkins/job/ops/job/restart-db/buildWithParameters")).willReturn(aResponse().withStatus(201)));

        String id = accept(alert("jenkins", "title", "Disk full", "severity", "high", "fingerprint", "disk-db-1",
                "message", "Only **2%** left"));

        assertThat(awaitDelivery(id, "jenkins-ops").get("status")).isEqualTo("sent");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("relay:" + JENKINS_TOKEN).getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("/jenkins/job/remediate-disk/buildWithParameters", "/jenkins/job/ops/job/restart-db/buildWithParameters")) {
            List<LoggedRequest> builds = posts(path);
            assertThat(builds).as(path).hasSize(1);
            assertThat(builds.get(0).getHeader("Authorization")).isEqualTo(basic);
            assertThat(builds.get(0).getHeader("Jenkins-Crumb")).isEqualTo("c0ffee42");
            Map<String, String> f = form(builds.get(0).getBodyAsString());
            assertThat(f).containsEntry("ALERT_TITLE", "[HIGH] Disk full").containsEntry("ALERT_SEVERITY", "high")
                    .containsEntry("ALERT_FINGERPRINT", "disk-db-1").containsEntry("ALERT_STATUS", "firing");
            assertThat(f.get("ALERT_MESSAGE")).isEqualTo("Only 2% left");
        }
    }

    @Test
    void jenkinsWithoutCsrfProtectionSendsNoCrumbAndAMissingJobIsRecorded() {
        WIREMOCK.stubFor(get(urlPathEqualTo("/jenkins/crumbIssuer/api/json")).willReturn(aResponse().withStatus(404)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/jenkins/job/remediate-disk/buildWithParameters")).willReturn(aResponse().withStatus(201)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/jenkins/job/ops/job/restart-db/buildWithParameters")).willReturn(aResponse().withStatus(404)
                .withBody("<html><body>Not Found</body></html>")));
        long before = failedCount("jenkins-ops");

        String id = accept(alert("jenkins", "title", "Half"));

        assertThat(awaitDelivery(id, "jenkins-ops").get("status")).isEqualTo("dead");
        assertThat(posts("/jenkins/job/remediate-disk/buildWithParameters").get(0).getHeader("Jenkins-Crumb")).isNull();
        Map<String, Object> status = awaitFailureRecorded("jenkins-ops", before);
        assertThat(status.get("last_failure_status_code")).isEqualTo(404);
        assertThat(preview("jenkins-ops", alert("jenkins", "title", "P")).toString()).doesNotContain(JENKINS_TOKEN);
    }
}
