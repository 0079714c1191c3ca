package io.alertrelay.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;

/** API keys on every entry point: Camel's ingest routes and the Spring MVC API, with a bootstrap admin key. */
@ActiveProfiles({"test", "security"})
@ExtendWith(OutputCaptureExtension.class)
class SecurityTest extends RelayTestSupport {

    static final String BOOTSTRAP = "test-bootstrap-admin-key-8f3a1c";
    static final String ALERT = "{\"title\":\"Disk full\",\"labels\":{\"route\":\"none\"}}";
    static final String AM = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
            + "\"labels\":{\"alertname\":\"DiskFull\"},\"annotations\":{}}]}";

    /** An ingest-servlet route that logs and returns the headers Camel received: the worst a route author could do. */
    @TestConfiguration
    static class EchoHeadersRoute {
        @Bean
        RouteBuilder echoHeaders() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("servlet:/alerts/echo-headers?httpMethodRestrict=POST").routeId("test-echo-headers")
                            .log(LoggingLevel.WARN, "echo-headers route got headers ${headers}")
                            .process(e -> {
                                String names = String.join(",", new TreeSet<>(e.getMessage().getHeaders().keySet()));
                                e.getMessage().removeHeaders("*");
                                e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                                e.getMessage().setBody(names);
                            });
                }
            };
        }
    }

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    // ---- 401 ----

    @Test
    void everyEntryPointAnswers401WithoutAKey() {
        int alertsBefore = count("alerts");
        for (HttpResponse<String> r : List.of(
                call("POST", "/alerts", ALERT),
                call("POST", "/alerts/alertmanager", AM),
                call("GET", "/channels", null),
                call("GET", "/deliveries?status=dead", null),
                call("POST", "/channels/sec-hook/preview", ALERT),
                call("POST", "/channels/sec-hook/test", null),
                call("POST", "/admin/reload", null),
                call("GET", "/admin/keys", null))) {
            assertThat(r.statusCode()).as(r.request().method() + " " + r.uri()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"alert-relay\"");
            JsonNode body = parse(r.body());
            assertThat(body.path("error").asText()).isEqualTo("unauthorized");
            assertThat(body.path("message").asText()).contains("Authorization: Bearer <key>").contains("X-API-Key");
        }
        assertThat(count("alerts")).as("nothing stored for refused ingest").isEqualTo(alertsBefore);
    }

    @Test
    void aWrongKeyIs401InBothHeaderForms() {
        String wrong = "ar_" + "A".repeat(43);
        for (HttpResponse<String> r : List.of(
                call("POST", "/alerts", ALERT, "Authorization", "Bearer " + wrong),
                call("POST", "/alerts", ALERT, "X-API-Key", wrong),
                call("GET", "/admin/keys", null, "Authorization", "Bearer " + BOOTSTRAP + "x"),
                // a scheme other than Bearer is no key at all
                call("GET", "/admin/keys", null, "Authorization", "Basic " + BOOTSTRAP))) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(parse(r.body()).path("error").asText()).isEqualTo("unauthorized");
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer realm=\"alert-relay\"");
        }
        assertThat(parse(call("POST", "/alerts", ALERT, "X-API-Key", wrong).body()).path("message").asText())
                .contains("unknown or revoked");
    }

    // ---- 403 ----

    @Test
    void aKeyWithoutTheScopeIs403NamingTheScope() {
        String reader = createKey("reader", "channels:read");
        String writer = createKey("writer", "alerts:write");

        assertForbidden(call("POST", "/alerts", ALERT, "X-API-Key", reader), "alerts:write");
        assertForbidden(call("POST", "/alerts/alertmanager", AM, "Authorization", "Bearer " + reader), "alerts:write");
        assertForbidden(call("GET", "/channels", null, "X-API-Key", writer), "channels:read");
        assertForbidden(call("GET", "/deliveries?status=dead", null, "X-API-Key", writer), "channels:read");
        assertForbidden(call("POST", "/channels/sec-hook/preview", ALERT, "X-API-Key", writer), "channels:read");
        assertForbidden(call("POST", "/channels/sec-hook/test", null, "X-API-Key", reader), "admin");
        assertForbidden(call("POST", "/channels/sec-hook/replay", null, "X-API-Key", reader), "admin");
        assertForbidden(call("POST", "/deliveries/1/replay", null, "X-API-Key", reader), "admin");
        assertForbidden(call("POST", "/admin/reload", null, "X-API-Key", reader), "admin");
        assertForbidden(call("GET", "/admin/keys", null, "X-API-Key", reader), "admin");
        assertForbidden(call("POST", "/admin/keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}", "X-API-Key", writer), "admin");
        // a path nobody declared is closed to all but admin
        assertForbidden(call("GET", "/somewhere-new", null, "X-API-Key", reader), "admin");

        // channels:read does open what it should
        HttpResponse<String> preview = call("POST", "/channels/sec-hook/preview", ALERT, "X-API-Key", reader);
        assertThat(preview.statusCode()).isEqualTo(200);
    }

    @Test
    void consoleFilesAreOpenButEveryDataCallNeedsAKey() {
        for (String path : List.of("/console/", "/console/index.html", "/console/console.js", "/console/console.css",
                "/console/lib/chart.js/chart.umd.js")) {
            HttpResponse<String> r = call("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain("sec-hook", "hook-secret-value-4711");
        }
        assertThat(call("POST", "/console/console.js", "{}").statusCode()).as("only reading is open").isEqualTo(401);
        assertThat(call("GET", "/stats/deliveries", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/stats/channels", null).statusCode()).isEqualTo(401);
        String writer = createKey("console-writer", "alerts:write");
        assertForbidden(call("GET", "/stats/deliveries", null, "X-API-Key", writer), "channels:read");
        String reader = createKey("console-reader", "channels:read");
        assertThat(call("GET", "/stats/deliveries?hours=1&step=60", null, "Authorization", "Bearer " + reader).statusCode())
                .isEqualTo(200);
    }

    private void assertForbidden(HttpResponse<String> r, String scope) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + ": " + r.body()).isEqualTo(403);
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo("forbidden");
        assertThat(body.path("message").asText()).contains("'" + scope + "'");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
    }

    // ---- 2xx ----

    @Test
    void ingestAcceptsAlertsWriteInBothHeaderForms() {
        String writer = createKey("prometheus", "alerts:write");
        HttpResponse<String> bearer = call("POST", "/alerts", ALERT, "Authorization", "Bearer " + writer);
        assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(202);
        String id = parse(bearer.body()).path("ids").get(0).asText();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE id = ?", Integer.class, id)).isEqualTo(1);

        assertThat(call("POST", "/alerts", ALERT, "X-API-Key", writer).statusCode()).isEqualTo(202);
        assertThat(call("POST", "/alerts/alertmanager", AM, "X-API-Key", writer).statusCode()).isEqualTo(202);
        // the scheme name is case-insensitive (RFC 7235)
        assertThat(call("POST", "/alerts", ALERT, "Authorization", "bearer " + writer).statusCode()).isEqualTo(202);
    }

    @Test
    void adminImpliesEveryScope() {
        assertThat(call("POST", "/alerts", ALERT, "X-API-Key", BOOTSTRAP).statusCode()).isEqualTo(202);
        assertThat(call("POST", "/channels/sec-hook/preview", ALERT, "Authorization", "Bearer " + BOOTSTRAP)
                .statusCode()).isEqualTo(200);
        String admin = createKey("ops", "admin");
        assertThat(call("POST", "/alerts", ALERT, "X-API-Key", admin).statusCode()).isEqualTo(202);
        assertThat(call("GET", "/admin/keys", null, "X-API-Key", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void healthAndTheApiDescriptionStayOpen() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/openapi.json")) {
            assertThat(call("GET", path, null).statusCode()).as(path).isNotIn(401, 403);
        }
        assertThat(call("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(401);
    }

    // ---- keys API ----

    @Test
    void creationShowsTheKeyOnceAndTheListNeverShowsItNorItsHash() {
        HttpResponse<String> created = call("POST", "/admin/keys",
                "{\"name\":\"grafana\",\"scopes\":[\"channels:read\",\"alerts:write\"]}", "X-API-Key", BOOTSTRAP);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = parse(created.body());
        String key = c.path("key").asText();
        String id = c.path("id").asText();
        assertThat(key).matches("ar_[A-Za-z0-9_-]{43}");
        assertThat(c.path("name").asText()).isEqualTo("grafana");
        assertThat(c.path("scopes").toString()).contains("alerts:write", "channels:read");
        assertThat(c.path("createdAt").asText()).isNotBlank();

        String hash = sha256Hex(key);
        assertThat(jdbc.queryForObject("SELECT key_hash FROM api_keys WHERE id = ?", String.class, id)).isEqualTo(hash);
        assertThat(jdbc.queryForList("SELECT * FROM api_keys WHERE id = ?", id).toString()).doesNotContain(key);

        HttpResponse<String> list = call("GET", "/admin/keys", null, "X-API-Key", BOOTSTRAP);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(key).doesNotContain(key.substring(3)).doesNotContainIgnoringCase(hash);
        JsonNode listed = find(parse(list.body()), id);
        assertThat(listed.path("name").asText()).isEqualTo("grafana");
        assertThat(listed.path("createdAt").asText()).isEqualTo(c.path("createdAt").asText());
        assertThat(listed.path("revokedAt").isNull()).isTrue();
        assertThat(listed.has("key")).isFalse();
    }

    @Test
    void revokingAKeyRefusesItAtOnce() {
        String key = createKey("short-lived", "alerts:write");
        String id = idOf(key);
        assertThat(call("POST", "/alerts", ALERT, "X-API-Key", key).statusCode()).isEqualTo(202);

        HttpResponse<String> revoked = call("DELETE", "/admin/keys/" + id, null, "X-API-Key", BOOTSTRAP);
        assertThat(revoked.statusCode()).isEqualTo(204);

        HttpResponse<String> after = call("POST", "/alerts", ALERT, "X-API-Key", key);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(parse(after.body()).path("error").asText()).isEqualTo("unauthorized");
        JsonNode listed = find(parse(call("GET", "/admin/keys", null, "X-API-Key", BOOTSTRAP).body()), id);
        assertThat(listed.path("revokedAt").asText()).isNotBlank();

        // revoking again is harmless; an unknown id is 404
        assertThat(call("DELETE", "/admin/keys/" + id, null, "X-API-Key", BOOTSTRAP).statusCode()).isEqualTo(204);
        HttpResponse<String> unknown = call("DELETE", "/admin/keys/no-such-key", null, "X-API-Key", BOOTSTRAP);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(parse(unknown.body()).path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void badKeyRequestsGetA400NamingTheField() {
        HttpResponse<String> r = call("POST", "/admin/keys", "{\"name\":\"\",\"scopes\":[\"root\"]}", "X-API-Key", BOOTSTRAP);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_request");
        assertThat(body.path("errors").toString()).contains("\"name\"").contains("scopes[0]").contains("root");

        assertThat(call("POST", "/admin/keys", "{\"name\":\"x\"}", "X-API-Key", BOOTSTRAP).statusCode()).isEqualTo(400);
        HttpResponse<String> malformed = call("POST", "/admin/keys", "{\"name\":", "X-API-Key", BOOTSTRAP);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(parse(malformed.body()).path("error").asText()).isEqualTo("malformed_json");
    }

    // ---- secrets ----

    @Test
    void keysNeverReachCamelNorTheLogs(CapturedOutput output) {
        String writer = createKey("echo", "alerts:write");
        HttpResponse<String> bearer = call("POST", "/alerts/echo-headers", "{}",
                "Authorization", "Bearer " + writer, "X-Trace", "kept");
        assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(200);
        assertThat(bearer.body()).containsIgnoringCase("X-Trace").doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("x-api-key");
        HttpResponse<String> header = call("POST", "/alerts/echo-headers", "{}", "X-API-Key", writer, "X-Trace", "kept");
        assertThat(header.body()).containsIgnoringCase("X-Trace").doesNotContainIgnoringCase("x-api-key");
        // refusals and failures are logged paths too
        call("POST", "/alerts", "{not json", "X-API-Key", writer);
        call("POST", "/alerts", ALERT, "X-API-Key", writer + "tampered");
        call("GET", "/admin/keys", null, "X-API-Key", BOOTSTRAP);

        assertThat(output.getAll()).contains("echo-headers route got headers").containsIgnoringCase("X-Trace")
                .doesNotContain(writer).doesNotContain(writer.substring(3)).doesNotContain(BOOTSTRAP);
    }

    @Test
    void channelSecretsStayOutOfPreviewFailureFieldsAndLogs(CapturedOutput output) {
        HttpResponse<String> preview = call("POST", "/channels/sec-hook/preview", ALERT, "X-API-Key", BOOTSTRAP);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("X-Relay-Token").doesNotContain("hook-secret-value-4711")
                .doesNotContain("hook-signing-secret-0815");
        HttpResponse<String> slackPreview = call("POST", "/channels/sec-slack/preview", ALERT, "X-API-Key", BOOTSTRAP);
        assertThat(slackPreview.body()).doesNotContain("slack-secret-path-42");

        // the target fails and echoes its secret URL back; every retry is logged at its default level
        WIREMOCK.stubFor(post(urlPathEqualTo("/services/T000/B000/slack-secret-path-42"))
                .willReturn(aResponse().withStatus(500).withBody("internal error on /services/T000/B000/slack-secret-path-42")));
        WIREMOCK.stubFor(post(urlPathEqualTo("/sec/hook"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad token hook-secret-value-4711\"}")));
        HttpResponse<String> r = call("POST", "/alerts",
                "[{\"title\":\"s\",\"labels\":{\"route\":\"sec-slack\"}},{\"title\":\"h\",\"labels\":{\"route\":\"sec-hook\"}}]",
                "X-API-Key", BOOTSTRAP);
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode ids = parse(r.body()).path("ids");
        Map<String, Object> slack = awaitDelivery(ids.get(0).asText(), "sec-slack");
        Map<String, Object> hook = awaitDelivery(ids.get(1).asText(), "sec-hook");
        assertThat(slack.get("status")).isEqualTo("dead");
        assertThat(hook.get("status")).isEqualTo("dead");
        await("failure fields of both channels", () -> channelStatus("sec-slack").get("last_failure_status_code") != null
                && channelStatus("sec-hook").get("last_failure_status_code") != null);

        String stored = List.of(slack, hook, channelStatus("sec-slack"), channelStatus("sec-hook")).toString();
        assertThat(stored).contains("500").contains("401").contains("internal error on")
                .doesNotContain("slack-secret-path-42").doesNotContain("hook-secret-value-4711");
        assertThat(output.getAll()).contains("sec-slack")
                .doesNotContain("slack-secret-path-42").doesNotContain("hook-secret-value-4711")
                .doesNotContain("hook-signing-secret-0815");
    }

    // ---- helpers ----

    private String createKey(String name, String... scopes) {
        Map<String, Object> req = Map.of("name", name, "scopes", List.of(scopes));
        HttpResponse<String> r;
        try {
            r = call("POST", "/admin/keys", json.writeValueAsString(req), "X-API-Key", BOOTSTRAP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return parse(r.body()).path("key").asText();
    }

    private String idOf(String key) {
        return jdbc.queryForObject("SELECT id FROM api_keys WHERE key_hash = ?", String.class, sha256Hex(key));
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode k : list) {
            if (k.path("id").asText().equals(id)) {
                return k;
            }
        }
        throw new AssertionError("key " + id + " not listed in " + list);
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }

    private static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }
}
