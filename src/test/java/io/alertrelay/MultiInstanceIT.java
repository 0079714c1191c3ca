package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.PackagedRelay;
import io.alertrelay.support.RelayTestSupport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged relays sharing one PostgreSQL: every delivery goes out exactly once while both run,
 * and when one is killed with SIGKILL half-way the other takes over its claims and finishes.
 */
class MultiInstanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final WireMockServer target = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
            .containerThreads(40));
    private final List<Process> relays = new ArrayList<>();
    private EmbeddedPostgres pg;

    @TempDir
    Path workDir;

    @AfterEach
    void stop() throws IOException {
        relays.forEach(Process::destroyForcibly);
        target.stop();
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void twoInstancesDeliverEachAlertOnceAndSurviveTheLossOfOne() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        target.start();
        target.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200).withFixedDelay(5)));
        int portA = PackagedRelay.freePort();
        int portB = PackagedRelay.freePort();
        Process a = start("a", portA);
        Process b = start("b", portB);
        PackagedRelay.awaitReady(a, portA);
        PackagedRelay.awaitReady(b, portB);

        // phase 1: 1000 alerts posted to both instances, each delivered exactly once
        List<String> phase1 = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            phase1.addAll(postBatch(batch % 2 == 0 ? portA : portB, "one-" + batch, 50));
        }
        RelayTestSupport.await("1000 deliveries", Duration.ofSeconds(120), () -> deliveredCounts().keySet().containsAll(phase1));
        Map<String, Integer> counts = deliveredCounts();
        assertThat(phase1).hasSize(1000).allSatisfy(id -> assertThat(counts.get(id)).as(id).isEqualTo(1));
        assertThat(countByStatus("sent")).isEqualTo(1000);

        // phase 2: a slower target, 1000 more alerts, instance A killed once about half are out
        target.resetAll();
        target.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200).withFixedDelay(20)));
        List<String> phase2 = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            phase2.addAll(postBatch(batch % 2 == 0 ? portA : portB, "two-" + batch, 50));
        }
        RelayTestSupport.await("half of phase 2", Duration.ofSeconds(120), () -> deliveredCounts().size() >= 500);
        a.destroyForcibly();
        assertThat(a.waitFor(20, TimeUnit.SECONDS)).isTrue();

        RelayTestSupport.await("instance B to finish A's work", Duration.ofSeconds(120),
                () -> deliveredCounts().keySet().containsAll(phase2));
        Map<String, Integer> after = deliveredCounts();
        int duplicates = phase2.stream().mapToInt(id -> after.get(id) - 1).sum();
        // only what A had on the wire when it died can go out twice: at most one per worker
        assertThat(duplicates).isLessThanOrEqualTo(8);
        RelayTestSupport.await("every delivery marked sent", Duration.ofSeconds(30), () -> countByStatus("sent") == 2000);
        assertThat(b.isAlive()).isTrue();
    }

    private List<String> postBatch(int port, String prefix, int n) throws Exception {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            alerts.add(Map.of("title", prefix + "-" + i));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(alerts))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        JSON.readTree(r.body()).path("ids").forEach(x -> ids.add(x.asText()));
        return ids;
    }

    /** How many times the target received each alert id. */
    private Map<String, Integer> deliveredCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (LoggedRequest r : target.findAll(postRequestedFor(urlPathEqualTo("/hook")))) {
            try {
                JsonNode body = JSON.readTree(r.getBodyAsString());
                counts.merge(body.path("alert").path("id").asText(), 1, Integer::sum);
            } catch (IOException ignored) {
                // not a relay payload
            }
        }
        return counts;
    }

    private long countByStatus(String status) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM deliveries WHERE status = '" + status + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private Process start(String name, int port) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve(name));
        Files.writeString(dir.resolve("application.yaml"), """
                server:
                  port: %d
                spring:
                  datasource:
                    url: %s
                    username: postgres
                    password: ""
                alert-relay:
                  delivery:
                    poll-interval-ms: 200
                    # short, so the survivor takes over the dead instance's claims quickly
                    lease-seconds: 10
                    # what bounds the duplicates below: a dead instance can have sent at most one per worker
                    # without recording it (the default became 16 after this test was written)
                    workers: 8
                  channels:
                    - id: ops-hook
                      kind: webhook
                      config:
                        url: http://127.0.0.1:%d/hook
                """.formatted(port, pg.getJdbcUrl("postgres", "postgres"), target.port()));
        Process p = PackagedRelay.start(dir, Path.of("target", "multi-instance-" + name + ".log"));
        relays.add(p);
        return p;
    }

}
