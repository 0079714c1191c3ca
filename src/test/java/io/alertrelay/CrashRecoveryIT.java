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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a real process: accepted during an outage, killed with SIGKILL mid-retry,
 * restarted, and every accepted alert is delivered once the endpoint is back.
 */
class CrashRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final WireMockServer target = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Process relay;

    @TempDir
    Path workDir;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.destroyForcibly();
        }
        target.stop();
    }

    @Test
    void pendingDeliveriesSurviveSigkill() throws Exception {
        target.start();
        target.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(503)));
        int port = PackagedRelay.freePort();
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  delivery:
                    poll-interval-ms: 200
                    retry:
                      max-attempts: 1000
                      initial-delay-ms: 100
                      max-delay-ms: 300
                  channels:
                    - id: ops-hook
                      kind: webhook
                      config:
                        url: http://127.0.0.1:%d/hook
                """.formatted(port, target.port()));

        relay = PackagedRelay.start(workDir, Path.of("target", "crash-recovery-relay.log"));
        PackagedRelay.awaitReady(relay, port);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"outage " + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            accepted.add(JSON.readTree(r.body()).path("ids").get(0).asText());
        }
        RelayTestSupport.await("every delivery to be tried during the outage",
                () -> alertIdsSeen(target.findAll(postRequestedFor(urlPathEqualTo("/hook")))).containsAll(accepted));

        relay.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
        assertThat(relay.waitFor(20, TimeUnit.SECONDS)).isTrue();

        target.resetAll();
        target.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        relay = PackagedRelay.start(workDir, Path.of("target", "crash-recovery-relay.log"));
        RelayTestSupport.await("every accepted alert to be delivered after the restart", Duration.ofSeconds(60),
                () -> alertIdsSeen(target.findAll(postRequestedFor(urlPathEqualTo("/hook")))).containsAll(accepted));

        relay.destroy(); // SIGTERM: graceful, so the H2 file can be opened below
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + workDir.resolve("data/alert-relay"), "sa", "");
             ResultSet rs = db.createStatement().executeQuery("SELECT status, COUNT(*) FROM deliveries GROUP BY status")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("sent");
            assertThat(rs.getInt(2)).isEqualTo(5);
            assertThat(rs.next()).as("only sent deliveries").isFalse();
        }
    }

    private static Set<String> alertIdsSeen(List<LoggedRequest> requests) {
        Set<String> ids = new HashSet<>();
        for (LoggedRequest r : requests) {
            try {
                JsonNode body = JSON.readTree(r.getBodyAsString());
                ids.add(body.path("alert").path("id").asText());
            } catch (IOException ignored) {
                // not ours
            }
        }
        return ids;
    }

}
