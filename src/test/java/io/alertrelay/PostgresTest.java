package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.store.Retention;
import io.alertrelay.support.RelayTestSupport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The same relay on a real PostgreSQL server: migrations, ingest, delivery and failure fields. */
@ActiveProfiles({"test", "core"})
// no other class uses this database, so free the context (and its pollers) when the class is done
@DirtiesContext
class PostgresTest extends RelayTestSupport {

    private static final EmbeddedPostgres PG = start();

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> PG.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @Autowired
    Retention retention;

    @Test
    void retentionPurgesOldFinishedHistoryOnPostgres() {
        // the purge's "deliveries left?" check has its index here (H2 indexes foreign keys by itself)
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'deliveries_alert_idx'",
                Integer.class)).isEqualTo(1);
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/signed")).willReturn(aResponse().withStatus(200)));
        String id = accept(Map.of("title", "Old on Postgres", "labels", Map.of("route", "signed")));
        assertThat(awaitDelivery(id, "hook-signed").get("status")).isEqualTo("sent");
        Timestamp old = Timestamp.from(Instant.parse("2001-06-01T00:00:00Z"));
        // dated back, with the small id an old delivery has
        jdbc.update("UPDATE deliveries SET id = -1, created_at = ?, updated_at = ? WHERE alert_id = ?", old, old, id);
        jdbc.update("UPDATE alerts SET received_at = ? WHERE id = ?", old, id);

        Retention.Purged purged = retention.purgeBefore(Instant.parse("2002-01-01T00:00:00Z"));

        assertThat(purged).isEqualTo(new Retention.Purged(1, 1));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE id = ?", Integer.class, id)).isZero();
    }

    @Test
    void runsOnPostgres() {
        assertThat(jdbc.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM flyway_schema_history WHERE success", Integer.class))
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void deliversAndRecordsFailuresInPostgres() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/signed")).willReturn(aResponse().withStatus(200)));
        String ok = accept(Map.of("title", "On Postgres", "labels", Map.of("route", "signed")));
        assertThat(awaitDelivery(ok, "hook-signed").get("status")).isEqualTo("sent");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/hooks/signed")))).hasSize(1);

        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        String failed = accept(Map.of("title", "Broken on Postgres", "labels", Map.of("route", "flaky")));
        Map<String, Object> delivery = awaitDelivery(failed, "hook-flaky");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(3);
        Map<String, Object> status = channelStatus("hook-flaky");
        assertThat(status.get("last_failure_error_type")).isEqualTo("server_error");
        assertThat(status.get("last_failure_status_code")).isEqualTo(502);
        assertThat(status.get("last_failure_response_text")).isEqualTo("bad gateway");
        assertThat(status.get("last_failure_is_json")).isEqualTo(false);

        // a failure without an HTTP status writes NULLs, which PostgreSQL must accept untyped
        String refused = accept(Map.of("title", "Nobody home", "labels", Map.of("route", "refused")));
        assertThat(awaitDelivery(refused, "hook-refused").get("status")).isEqualTo("dead");
        assertThat(channelStatus("hook-refused").get("last_failure_error_type")).isEqualTo("connection");
    }

    /** The console's search and chart queries (LIKE with ESCAPE, EXTRACT(EPOCH), PERCENTILE_CONT) on PostgreSQL. */
    @Test
    void consoleSearchAndStatsRunOnPostgres() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/signed")).willReturn(aResponse().withStatus(200)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(503)));
        String ok = accept(Map.of("title", "Stats on Postgres", "labels", Map.of("route", "signed")));
        String failed = accept(Map.of("title", "Disk 50% full on PG", "labels", Map.of("route", "flaky")));
        assertThat(awaitDelivery(ok, "hook-signed").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(failed, "hook-flaky").get("status")).isEqualTo("dead");

        JsonNode found = parse(get("/deliveries?channel=hook-flaky&title=50%25+FULL").body());
        assertThat(found.path("total").asLong()).isEqualTo(1);
        assertThat(found.path("items").get(0).path("errorType").asText()).isEqualTo("server_error");

        HttpResponse<String> r = get("/stats/deliveries?hours=1&step=60");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long sent = 0;
        long dead = 0;
        boolean latency = false;
        for (JsonNode b : parse(r.body()).path("buckets")) {
            sent += b.path("sent").asLong();
            dead += b.path("failures").path("server_error").asLong();
            latency |= b.path("latencyMs").path("p50").isNumber();
        }
        assertThat(sent).isGreaterThanOrEqualTo(1);
        assertThat(dead).isGreaterThanOrEqualTo(1);
        assertThat(latency).isTrue();
        assertThat(get("/stats/channels?hours=24&step=3600").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    @Test
    void clientIdsAreIdempotentOnPostgres() {
        String first = accept(Map.of("title", "Once", "id", "pg-client-1"));
        String second = accept(Map.of("title", "Once", "id", "pg-client-1"));
        assertThat(second).isEqualTo(first);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE client_id = 'pg-client-1'", Integer.class)).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneClientIdMakeOneAlert() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> postJson("/alerts", Map.of("title", "Raced", "id", "pg-race-1"))));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var a : answers) {
                var r = a.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                ids.add(parse(r.body()).path("ids").get(0).asText());
            }
            assertThat(ids).hasSize(1);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE client_id = 'pg-race-1'", Integer.class)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
