package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.ingest.IngestLimit;
import io.alertrelay.support.RelayTestSupport;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;

/** Every refusal is a 4xx with a JSON body naming the field, and nothing of a refused request is stored. */
@ActiveProfiles({"test", "core"})
class IngestValidationTest extends RelayTestSupport {

    @Autowired
    IngestLimit limit;

    private long alertCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM alerts", Long.class);
    }

    private JsonNode refused(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    private static String firstField(JsonNode body) {
        return body.path("errors").get(0).path("field").asText();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing title            | {\"message\":\"x\"}                                  | title",
            "empty title              | {\"title\":\"   \"}                                   | title",
            "title of wrong type      | {\"title\":42}                                       | title",
            "title too long           | {\"title\":\"LONG\"}                                  | title",
            "unknown severity         | {\"title\":\"t\",\"severity\":\"apocalyptic\"}           | severity",
            "severity of wrong type   | {\"title\":\"t\",\"severity\":3}                        | severity",
            "unknown status           | {\"title\":\"t\",\"status\":\"sleeping\"}               | status",
            "unknown reason           | {\"title\":\"t\",\"reason\":\"because\"}                | reason",
            "url not http             | {\"title\":\"t\",\"url\":\"javascript:alert(1)\"}        | url",
            "url not a url            | {\"title\":\"t\",\"url\":\"not a url\"}                  | url",
            "bad timestamp            | {\"title\":\"t\",\"occurredAt\":\"yesterday\"}           | occurredAt",
            "count not integer        | {\"title\":\"t\",\"eventCount\":\"3\"}                  | eventCount",
            "negative count           | {\"title\":\"t\",\"eventCount\":-1}                     | eventCount",
            "labels not object        | {\"title\":\"t\",\"labels\":[\"a\"]}                    | labels",
            "label value not string   | {\"title\":\"t\",\"labels\":{\"env\":1}}                | labels.env",
            "details not object       | {\"title\":\"t\",\"details\":\"x\"}                     | details",
            "fingerprint too long     | {\"title\":\"t\",\"fingerprint\":\"FP256\"}             | fingerprint",
            "array item not object    | [{\"title\":\"ok\"},7]                                 | [1]",
            "array item invalid       | [{\"title\":\"ok\"},{\"severity\":\"high\"}]             | [1].title",
            "root not object          | \"just a string\"                                    | $",
            "empty array              | []                                                   | $",
    })
    void invalidAlertsAreRefusedNamingTheField(String name, String body, String field) {
        long before = alertCount();
        String json = body.replace("\"LONG\"", "\"" + "x".repeat(1025) + "\"").replace("\"FP256\"", "\"" + "f".repeat(256) + "\"");

        JsonNode answer = refused(postRaw("/alerts", "application/json", json), 400);

        assertThat(firstField(answer)).isEqualTo(field);
        assertThat(answer.path("message").asText()).contains(field);
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void malformedJsonIsRefusedWithItsPosition() {
        JsonNode answer = refused(postRaw("/alerts", "application/json", "{\"title\": \"unterminated"), 400);
        assertThat(answer.path("error").asText()).isEqualTo("malformed_json");
        assertThat(answer.path("message").asText()).contains("line 1");
    }

    @Test
    void trailingGarbageIsMalformed() {
        JsonNode answer = refused(postRaw("/alerts", "application/json", "{\"title\":\"t\"} {\"title\":\"u\"}"), 400);
        assertThat(answer.path("error").asText()).isEqualTo("malformed_json");
    }

    @Test
    void emptyBodyIsRefused() {
        JsonNode answer = refused(postRaw("/alerts", "application/json", ""), 400);
        assertThat(firstField(answer)).isEqualTo("$");
    }

    @Test
    void wrongContentTypeIs415() {
        long before = alertCount();
        JsonNode answer = refused(postRaw("/alerts", "text/plain", "{\"title\":\"t\"}"), 415);
        assertThat(firstField(answer)).isEqualTo("Content-Type");
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void oversizedBodyIs413() {
        long before = alertCount();
        String huge = "{\"title\":\"t\",\"message\":\"" + "a".repeat(1024 * 1024) + "\"}";
        JsonNode answer = refused(postRaw("/alerts", "application/json", huge), 413);
        assertThat(answer.path("error").asText()).isEqualTo("payload_too_large");
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void oversizedChunkedBodyWithoutLengthIs413() {
        long before = alertCount();
        byte[] huge = ("{\"title\":\"t\",\"message\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // a stream publisher sends chunks and no Content-Length: the limit must hold while reading
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build());
        JsonNode answer = refused(r, 413);
        assertThat(answer.path("error").asText()).isEqualTo("payload_too_large");
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void moreThanTheBatchLimitIsRefused() {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            alerts.add(Map.of("title", "t" + i));
        }
        JsonNode answer = refused(postJson("/alerts", alerts), 400);
        assertThat(answer.path("message").asText()).contains("at most 1000");
    }

    @Test
    void anArrayIsAcceptedWholeAndEveryAlertGetsAnId() {
        long before = alertCount();
        HttpResponse<String> r = postJson("/alerts", List.of(Map.of("title", "one"), Map.of("title", "two"),
                Map.of("title", "three", "severity", "CRITICAL")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = parse(r.body());
        assertThat(body.path("accepted").asInt()).isEqualTo(3);
        assertThat(body.path("ids")).hasSize(3);
        assertThat(alertCount()).isEqualTo(before + 3);
        String third = body.path("ids").get(2).asText();
        assertThat(jdbc.queryForObject("SELECT severity FROM alerts WHERE id = ?", String.class, third)).isEqualTo("critical");
    }

    @Test
    void oneBadAlertRefusesTheWholeArray() {
        long before = alertCount();
        refused(postJson("/alerts", List.of(Map.of("title", "good"), Map.of("title", ""))), 400);
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void hostileStringsAreStoredAndDeliveredIntact() {
        String hostile = "\"quotes\" \\ back\nnew\r\nline \u0000\u0007 ctl 🚨 emoji <script>alert(1)</script> ${jndi:ldap://x} {{title}}";
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("title", hostile);
        alert.put("message", hostile);
        alert.put("labels", Map.of("route", "log", "evil", hostile));
        String id = accept(alert);
        assertThat(awaitDelivery(id, "console").get("status")).isEqualTo("sent");
        JsonNode stored = parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, id));
        // everything but NUL, which PostgreSQL text cannot hold, arrives as sent
        String kept = hostile.replace("\u0000", "");
        assertThat(stored.path("title").asText()).isEqualTo(kept);
        assertThat(stored.path("labels").path("evil").asText()).isEqualTo(kept);
    }

    @Test
    void defaultsAreFilledIn() {
        String id = accept(Map.of("title", "Only a title", "source", "bugsink", "project", "shop"));
        JsonNode stored = parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, id));
        assertThat(stored.path("severity").asText()).isEqualTo("medium");
        assertThat(stored.path("status").asText()).isEqualTo("firing");
        assertThat(stored.path("reason").asText()).isEqualTo("new");
        assertThat(stored.path("occurredAt").asText()).isNotBlank();
        assertThat(stored.path("fingerprint").asText()).hasSize(64);
        // same source, project and title: same fingerprint, so repeats group together
        String again = accept(Map.of("title", "Only a title", "source", "bugsink", "project", "shop"));
        String fp2 = parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, again)).path("fingerprint").asText();
        assertThat(fp2).isEqualTo(stored.path("fingerprint").asText());
    }

    @Test
    void aClientIdOrIdempotencyKeySentTwiceMakesOneAlert() {
        long before = alertCount();
        String first = accept(Map.of("title", "Once", "id", "client-42"));
        HttpResponse<String> second = postJson("/alerts", Map.of("title", "Once", "id", "client-42"));
        assertThat(second.statusCode()).isEqualTo(202);
        JsonNode body = parse(second.body());
        assertThat(body.path("ids").get(0).asText()).isEqualTo(first);
        assertThat(body.path("alerts").get(0).path("duplicate").asBoolean()).isTrue();

        HttpRequest keyed = HttpRequest.newBuilder(uri("/alerts")).header("Content-Type", "application/json")
                .header("Idempotency-Key", "key-7").POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"keyed\"}")).build();
        String k1 = parse(send(keyed).body()).path("ids").get(0).asText();
        String k2 = parse(send(keyed).body()).path("ids").get(0).asText();
        assertThat(k2).isEqualTo(k1);
        assertThat(alertCount()).isEqualTo(before + 2);
    }

    /**
     * Concurrent requests share database commits: each must still get its own answer, and twenty racing
     * requests with one Idempotency-Key must make exactly one alert.
     */
    @Test
    void concurrentRequestsGetTheirOwnAnswersAndOneKeyMakesOneAlert() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> distinct = new ArrayList<>();
            List<java.util.concurrent.Future<HttpResponse<String>>> keyed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String title = "concurrent-" + i;
                distinct.add(pool.submit(() -> postJson("/alerts", Map.of("title", title))));
                keyed.add(pool.submit(() -> send(HttpRequest.newBuilder(uri("/alerts"))
                        .header("Content-Type", "application/json").header("Idempotency-Key", "race-key")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"raced\"}")).build())));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = distinct.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(202);
                String id = parse(r.body()).path("ids").get(0).asText();
                assertThat(jdbc.queryForObject("SELECT title FROM alerts WHERE id = ?", String.class, id))
                        .isEqualTo("concurrent-" + i);
            }
            java.util.Set<String> keyedIds = new java.util.HashSet<>();
            int fresh = 0;
            for (var f : keyed) {
                HttpResponse<String> r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(202);
                JsonNode body = parse(r.body());
                keyedIds.add(body.path("ids").get(0).asText());
                fresh += body.path("alerts").get(0).path("duplicate").asBoolean() ? 0 : 1;
            }
            assertThat(keyedIds).hasSize(1);
            assertThat(fresh).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE client_id = 'race-key'", Long.class))
                    .isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFormBodyIs415BeforeCamelReadsIt() {
        long before = alertCount();
        // Camel's servlet binding would parse a form body into parameters before the route (and fail on
        // one that is not key=value pairs): the Content-Type alone decides, before anything is read
        for (String body : List.of("title=x&severity=high", "{\"title\":\"t\"}")) {
            JsonNode form = refused(postRaw("/alerts", "application/x-www-form-urlencoded", body), 415);
            assertThat(firstField(form)).isEqualTo("Content-Type");
            assertThat(form.path("message").asText()).contains("application/json");
        }
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void anUnknownPathBelowAlertsIsRefusedWithoutAStackTrace() {
        HttpResponse<String> r = postRaw("/alerts/no-such-format", "application/json", "{\"title\":\"t\"}");
        // GET /alerts/{id} exists (the "why" view), so a POST there is a method the path does not allow
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).doesNotContain("Exception");
    }

    @Test
    void overTheConcurrencyLimitIs503WithRetryAfterAndNothingStored() {
        int taken = 0;
        while (limit.tryEnter()) {
            taken++;
        }
        long before = alertCount();
        HttpResponse<String> busy;
        try {
            busy = postJson("/alerts", Map.of("title", "one too many"));
        } finally {
            for (int i = 0; i < taken; i++) {
                limit.exit();
            }
        }
        assertThat(taken).isEqualTo(100);
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        assertThat(parse(busy.body()).path("error").asText()).isEqualTo("busy");
        assertThat(alertCount()).isEqualTo(before);
        assertThat(postJson("/alerts", Map.of("title", "room again")).statusCode()).isEqualTo(202);
    }

    @Test
    void onlyPostIsAllowed() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/alerts")).GET().build());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).doesNotContain("Exception");
    }
}
