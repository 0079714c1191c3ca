package io.alertrelay.kind;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.RelayTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The operator's kinds directory: a kind file for a vendor the relay has never seen, loaded at startup,
 * and kind files added, broken and fixed under a running relay with POST /admin/reload.
 */
@ActiveProfiles("test")
@TestPropertySource(properties = {"alert-relay.kinds-dir=target/kinds-dir-test/kinds",
        "spring.config.additional-location=optional:file:target/kinds-dir-test/application.yaml"})
class KindsDirTest extends RelayTestSupport {

    static final Path ROOT = Path.of("target/kinds-dir-test");
    static final Path KINDS = ROOT.resolve("kinds");
    static final String PARROT_KEY = "pk-9c8b7a6f5e4d3c2b1a0f";

    /** A vendor the relay has never seen: a JSON API with a key header, its error text in $.problem.detail. */
    static final String PARROT = """
            apiVersion: alert-relay.io/v1
            kind: Kind
            metadata:
              name: parrot
            spec:
              definition:
                title: Parrot pager
                required: [url, api-key]
                properties:
                  url: {type: string, format: url}
                  api-key: {type: string, format: password}
                  loudness: {type: string, enum: [quiet, loud], default: loud}
              rate-limit: 100/s
              test:
                then: resolve
              errors:
                message: $.problem.detail
                retryable-statuses: [409]
              template:
                body: "Squawk: {{message}}"
              requests:
                squawk:
                  url: "{{config.url}}/squawk"
                  headers: {X-Parrot-Key: "{{config.api-key}}"}
                  body:
                    what: "{{title}}"
                    said: "{{body}}"
                    open: "{{alert.firing | boolean}}"
                    loudness: "{{config.loudness}}"
            ---
            - route:
                id: deliver-parrot
                routeConfigurationId: delivery-step
                from:
                  uri: direct:deliver-parrot
                  steps:
                    - bean: {ref: deliveries, method: context}
                    - bean: {ref: kind, method: variables}
                    - bean: {ref: kind, method: "request(*, 'squawk')"}
                    - to: direct:send-http
            """;

    static final String CHANNELS = """
            alert-relay:
              channels:
                - id: parrot-ops
                  kind: parrot
                  match: {labels: {route: parrot}}
                  config:
                    url: http://localhost:${wiremock.port}/parrot
                    api-key: %s
            """.formatted(PARROT_KEY);

    static {
        try {
            Files.createDirectories(KINDS);
            try (var files = Files.list(KINDS)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.writeString(KINDS.resolve("parrot.yaml"), PARROT);
            Files.writeString(ROOT.resolve("application.yaml"), CHANNELS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @AfterEach
    void backToParrotOnly() throws IOException {
        try (var files = Files.list(KINDS)) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().equals("parrot.yaml")) {
                    Files.delete(p);
                }
            }
        }
        Files.writeString(ROOT.resolve("application.yaml"), CHANNELS);
        HttpResponse<String> r = reload();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private HttpResponse<String> reload() {
        return send(HttpRequest.newBuilder(uri("/admin/reload")).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private List<LoggedRequest> squawks() {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/parrot/squawk")));
    }

    @Test
    void aKindFromTheDirectoryDeliversRetriesAndRecordsItsVendorsError() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/parrot/squawk")).willReturn(aResponse().withStatus(200)));

        String id = accept(Map.of("title", "Cracker shortage", "message", "none left", "labels", Map.of("route", "parrot")));

        assertThat(awaitDelivery(id, "parrot-ops").get("status")).isEqualTo("sent");
        LoggedRequest r = squawks().get(0);
        assertThat(r.getHeader("X-Parrot-Key")).isEqualTo(PARROT_KEY);
        JsonNode body = parse(r.getBodyAsString());
        assertThat(body.path("what").asText()).isEqualTo("[MEDIUM] Cracker shortage");
        assertThat(body.path("said").asText()).isEqualTo("Squawk: none left");
        assertThat(body.path("open").isBoolean()).isTrue();
        assertThat(body.path("loudness").asText()).isEqualTo("loud");

        // 409 is retryable for this kind only (spec.errors.retryable-statuses); the message comes from $.problem.detail
        WIREMOCK.resetAll();
        WIREMOCK.stubFor(post(urlPathEqualTo("/parrot/squawk")).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("{\"problem\":{\"detail\":\"parrot is asleep\"}}")));
        long before = ((Number) channelStatus("parrot-ops").get("failed_count")).longValue();
        String failing = accept(Map.of("title", "Again", "labels", Map.of("route", "parrot")));
        Map<String, Object> d = awaitDelivery(failing, "parrot-ops");
        assertThat(d.get("status")).isEqualTo("dead");
        assertThat(d.get("attempts")).isEqualTo(3);
        assertThat(squawks()).hasSize(3);
        await("failure fields", () -> ((Number) channelStatus("parrot-ops").get("failed_count")).longValue() > before);
        assertThat((String) channelStatus("parrot-ops").get("last_failure_error_message"))
                .isEqualTo("HTTP 409 Conflict from localhost:" + WIREMOCK.port() + ": parrot is asleep");
    }

    @Test
    void testSendResolvesWhenTheKindFileSaysSoAndSecretsAreMasked() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/parrot/squawk")).willReturn(aResponse().withStatus(200)));

        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/channels/parrot-ops/test"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode result = parse(r.body());
        assertThat(result.path("outcome").asText()).isEqualTo("sent");
        assertThat(result.path("steps")).extracting(s -> s.path("action").asText()).containsExactly("trigger", "resolve");
        assertThat(squawks()).extracting(q -> parse(q.getBodyAsString()).path("open").asBoolean()).containsExactly(true, false);

        HttpResponse<String> channel = send(HttpRequest.newBuilder(uri("/channels/parrot-ops")).GET().build());
        assertThat(channel.body()).doesNotContain(PARROT_KEY);
        assertThat(parse(channel.body()).path("config").path("api-key").asText()).isEqualTo("********");
        assertThat(parse(channel.body()).path("rateLimit").asText()).isEqualTo("100/s");
    }

    @Test
    void reloadAddsAKindAndRefusesBrokenFilesWithOneLineWhileTheRunningKindsKeepWorking() throws IOException {
        WIREMOCK.stubFor(post(urlPathEqualTo("/parrot/squawk")).willReturn(aResponse().withStatus(200)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/macaw/squawk")).willReturn(aResponse().withStatus(200)));

        // a second kind and its channel, added under the running relay
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw"));
        Files.writeString(ROOT.resolve("application.yaml"), CHANNELS + """
                    - id: macaw-ops
                      kind: macaw
                      match: {labels: {route: macaw}}
                      config:
                        url: http://localhost:${wiremock.port}/macaw
                        api-key: mk-1234567890abcdef
                """);
        HttpResponse<String> added = reload();
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        String id = accept(Map.of("title", "New bird", "labels", Map.of("route", "macaw")));
        assertThat(awaitDelivery(id, "macaw-ops").get("status")).isEqualTo("sent");

        // broken declaration: refused, naming the file and the field
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw").replace("format: password", "format: phone"));
        JsonNode refused = parse(reload().body());
        assertThat(refused.path("error").asText()).isEqualTo("invalid_config");
        assertThat(refused.path("message").asText()).startsWith("kind file file:").contains("kinds/macaw.yaml: ")
                .endsWith("spec.definition.properties.api-key.format must be url, email, password or secret-url, got \"phone\"")
                .doesNotContain("\n");
        assertThat(refused.path("errors").get(0).path("field").asText()).isEqualTo("alert-relay.kinds-dir");

        // broken route: no deliver-<kind>
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw").replace("id: deliver-macaw", "id: deliver-bird"));
        assertThat(parse(reload().body()).path("message").asText())
                .endsWith("macaw.yaml: route must contain a route with id deliver-macaw (found deliver-bird)");

        // YAML that does not parse: the line is named
        Files.writeString(KINDS.resolve("macaw.yaml"), "apiVersion: alert-relay.io/v1\nspec:\n  definition: [\n");
        assertThat(parse(reload().body()).path("message").asText()).contains("macaw.yaml: is not valid YAML at line");

        // a channel the declaration refuses: today's one-line channel error
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw"));
        Files.writeString(ROOT.resolve("application.yaml"), CHANNELS + """
                    - id: macaw-ops
                      kind: macaw
                      config:
                        url: http://localhost:${wiremock.port}/macaw
                        loudness: deafening
                """);
        assertThat(parse(reload().body()).path("message").asText())
                .isEqualTo("channel 'macaw-ops': config.api-key is required for kind macaw");

        // a request the channel's config cannot make: the preview says why, as a delivery would fail
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw")
                .replace("loudness: \"{{config.loudness}}\"", "loudness: \"{{config.loudness | number}}\""));
        Files.writeString(ROOT.resolve("application.yaml"), CHANNELS + """
                    - id: macaw-ops
                      kind: macaw
                      match: {labels: {route: macaw}}
                      config:
                        url: http://localhost:${wiremock.port}/macaw
                        api-key: mk-1234567890abcdef
                """);
        assertThat(reload().statusCode()).isEqualTo(200);
        HttpResponse<String> preview = postJson("/channels/macaw-ops/preview", Map.of("title", "P"));
        assertThat(preview.statusCode()).isEqualTo(409);
        assertThat(parse(preview.body()).path("message").asText())
                .isEqualTo("channel 'macaw-ops' cannot build its request: \"loud\" is not a number");
        Files.writeString(KINDS.resolve("macaw.yaml"), PARROT.replace("parrot", "macaw"));
        assertThat(reload().statusCode()).isEqualTo(200);

        // through every refusal the running kinds kept working
        String still = accept(Map.of("title", "Still here", "labels", Map.of("route", "macaw")));
        assertThat(awaitDelivery(still, "macaw-ops").get("status")).isEqualTo("sent");
        String parrot = accept(Map.of("title", "Me too", "labels", Map.of("route", "parrot")));
        assertThat(awaitDelivery(parrot, "parrot-ops").get("status")).isEqualTo("sent");
    }
}
