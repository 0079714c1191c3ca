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
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of kind files, with the released jar and no Java: a kind file for a vendor the relay has
 * never seen, in ./kinds beside the operator's application.yaml. Its channel is validated from the
 * declaration, preview shows the masked request, an alert is delivered, a 503 is retried, and after the
 * last try the channel's failure fields are stored.
 */
class KindFilePromiseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "hk-4e5f6a7b8c9d0e1f2a3b";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final WireMockServer vendor = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Process relay;
    private int port;

    @TempDir
    Path workDir;

    @AfterEach
    void stop() throws InterruptedException {
        if (relay != null) {
            relay.destroy();
            relay.waitFor();
        }
        vendor.stop();
    }

    @Test
    void anOperatorsKindFileWorksWithTheReleasedJar() throws Exception {
        vendor.start();
        port = freePort();
        Files.createDirectories(workDir.resolve("kinds"));
        Files.writeString(workDir.resolve("kinds/heron.yaml"), """
                # Heron Notify: a made-up vendor. Its API takes {"subject","text","level"} with a Bearer token.
                apiVersion: alert-relay.io/v1
                kind: Kind
                metadata:
                  name: heron
                spec:
                  definition:
                    title: Heron Notify
                    description: Notes to a Heron inbox.
                    required: [url, token, inbox]
                    properties:
                      url: {type: string, format: url}
                      token: {type: string, format: password}
                      inbox: {type: string, pattern: "[a-z]{3,20}"}
                      levels:
                        type: object
                        default: {critical: 9, high: 7, medium: 5, low: 3, info: 1}
                  errors:
                    message: $.fault
                  requests:
                    note:
                      url: "{{config.url}}/inboxes/{{config.inbox}}/notes"
                      headers:
                        Authorization: "Bearer {{config.token}}"
                      body:
                        subject: "{{#cut.80}}{{title}}{{/cut.80}}"
                        text: "{{text}}"
                        level: "{{bySeverity.levels | number}}"
                ---
                - route:
                    id: deliver-heron
                    routeConfigurationId: delivery-step
                    from:
                      uri: direct:deliver-heron
                      steps:
                        - bean: {ref: deliveries, method: context}
                        - bean: {ref: kind, method: variables}
                        - bean: {ref: kind, method: "request(*, 'note')"}
                        - to: direct:send-http
                """);
        writeConfig("inbox: ops");
        relay = start();
        PackagedRelay.awaitReady(relay, port);

        // validated from the declaration: the secret is masked, the default filled in; a bad inbox is refused
        JsonNode channel = JSON.readTree(get("/channels/heron-ops").body());
        assertThat(channel.path("kind").asText()).isEqualTo("heron");
        assertThat(channel.path("config").path("token").asText()).isEqualTo("********");
        assertThat(channel.path("config").path("levels").path("high").asText()).isEqualTo("7");
        writeConfig("inbox: \"Ops Room\"");
        HttpResponse<String> refused = postTo("/admin/reload", "");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("message").asText())
                .isEqualTo("channel 'heron-ops': config.inbox must match [a-z]{3,20}, got \"Ops Room\"");
        writeConfig("inbox: ops");

        // preview: the request as it would be sent, the token masked, nothing sent
        JsonNode preview = JSON.readTree(postTo("/channels/heron-ops/preview", "{\"title\":\"Preview\",\"severity\":\"high\"}").body());
        assertThat(preview.path("request").path("url").asText()).isEqualTo(vendorUrl() + "/inboxes/ops/notes");
        assertThat(preview.path("request").path("headers").path("Authorization").asText()).isEqualTo("Bearer ********");
        assertThat(preview.path("request").path("body").path("level").asInt()).isEqualTo(7);
        assertThat(preview.toString()).doesNotContain(TOKEN);
        assertThat(vendor.getAllServeEvents()).isEmpty();

        // delivered
        vendor.stubFor(post(urlPathEqualTo("/inboxes/ops/notes")).willReturn(aResponse().withStatus(201)));
        accept("{\"title\":\"Heron test\",\"severity\":\"critical\",\"message\":\"It **works**\"}");
        RelayTestSupport.await("the note to arrive", Duration.ofSeconds(20), () -> !notes().isEmpty());
        LoggedRequest note = notes().get(0);
        assertThat(note.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode body = JSON.readTree(note.getBodyAsString());
        assertThat(body.path("subject").asText()).isEqualTo("[CRITICAL] Heron test");
        assertThat(body.path("text").asText()).contains("It works");
        assertThat(body.path("level").asInt()).isEqualTo(9);

        // a 503 is retried; after the last try the failure fields are stored
        vendor.resetAll();
        vendor.stubFor(post(urlPathEqualTo("/inboxes/ops/notes")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("{\"fault\":\"heron is migrating\"}")));
        accept("{\"title\":\"During the outage\"}");
        AtomicReference<JsonNode> failure = new AtomicReference<>();
        RelayTestSupport.await("the failure fields", Duration.ofSeconds(30), () -> {
            try {
                JsonNode f = JSON.readTree(get("/channels/heron-ops").body()).path("status").path("lastFailure");
                failure.set(f);
                return !f.isMissingNode() && !f.isNull();
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(notes()).hasSize(3);
        assertThat(failure.get().path("errorType").asText()).isEqualTo("server_error");
        assertThat(failure.get().path("statusCode").asInt()).isEqualTo(503);
        assertThat(failure.get().path("message").asText()).endsWith(": heron is migrating");
        JsonNode dead = JSON.readTree(get("/channels/heron-ops/deliveries?status=dead").body()).path("items").get(0);
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
    }

    private List<LoggedRequest> notes() {
        return vendor.findAll(postRequestedFor(urlPathEqualTo("/inboxes/ops/notes")));
    }

    private String vendorUrl() {
        return "http://127.0.0.1:" + vendor.port();
    }

    private void writeConfig(String inbox) throws IOException {
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  delivery:
                    poll-interval-ms: 200
                    retry:
                      max-attempts: 3
                      initial-delay-ms: 100
                      max-delay-ms: 300
                  channels:
                    - id: heron-ops
                      kind: heron
                      config:
                        url: %s
                        token: %s
                        %s
                """.formatted(port, vendorUrl(), TOKEN, inbox));
    }

    private Process start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("relay.jar", "target/alert-relay.jar");
        return new ProcessBuilder(java, "-jar", Path.of(jar).toAbsolutePath().toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "kind-file-promise-relay.log").toFile()))
                .start();
    }

    private void accept(String alert) throws Exception {
        HttpResponse<String> r = postTo("/alerts", alert);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postTo(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
