package io.alertrelay.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;

/**
 * Secrets nobody declared as such (a token in a URL's query, a token in a custom header) reach the
 * target but not a channels:read key, the stored failure fields or the log. Channel sec-query of the
 * security profile: ?token=query-token-5150&team=ops, headers X-Api-Token (secret) and X-Team (public).
 */
@ActiveProfiles({"test", "security"})
@ExtendWith(OutputCaptureExtension.class)
class UndeclaredSecretsTest extends RelayTestSupport {

    static final String QUERY_TOKEN = "query-token-5150";
    static final String HEADER_TOKEN = "header-token-2323";
    static final String MASKED_URL_TAIL = "/sec/query?token=********&team=********";

    private String reader;

    @BeforeEach
    void readerKey() {
        WIREMOCK.resetAll();
        HttpResponse<String> r = call("POST", "/admin/keys", "{\"name\":\"viewer\",\"scopes\":[\"channels:read\"]}",
                SecurityTest.BOOTSTRAP);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        reader = parse(r.body()).path("key").asText();
    }

    @Test
    void channelsReadKeysSeeQueryValuesAndSecretHeadersMasked() {
        HttpResponse<String> list = call("GET", "/channels", null, reader);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(QUERY_TOKEN, HEADER_TOKEN);
        JsonNode config = null;
        for (JsonNode c : parse(list.body())) {
            if (c.path("id").asText().equals("sec-query")) {
                config = c.path("config");
            }
        }
        assertThat(config).as("sec-query listed").isNotNull();
        assertThat(config.path("url").asText()).isEqualTo("http://localhost:" + WIREMOCK.port() + MASKED_URL_TAIL);
        assertThat(config.path("headers").path("X-Api-Token").asText()).isEqualTo("********");
        assertThat(config.path("headers").path("X-Team").asText()).isEqualTo("ops");

        HttpResponse<String> one = call("GET", "/channels/sec-query", null, reader);
        assertThat(one.body()).doesNotContain(QUERY_TOKEN, HEADER_TOKEN).contains(MASKED_URL_TAIL);

        HttpResponse<String> preview = call("POST", "/channels/sec-query/preview", "{\"title\":\"Preview\"}", reader);
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(preview.body()).doesNotContain(QUERY_TOKEN, HEADER_TOKEN);
        JsonNode request = parse(preview.body()).path("request");
        assertThat(request.path("url").asText()).endsWith(MASKED_URL_TAIL);
        assertThat(request.path("headers").path("X-Api-Token").asText()).isEqualTo("********");
        assertThat(request.path("headers").path("X-Team").asText()).isEqualTo("ops");
        assertThat(WIREMOCK.getAllServeEvents()).isEmpty();
    }

    @Test
    void theTargetGetsThemButFailureFieldsAndLogsDoNot(CapturedOutput output) {
        // the target refuses and echoes everything it was sent, as error pages do
        WIREMOCK.stubFor(post(urlPathEqualTo("/sec/query")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"token " + QUERY_TOKEN + " with header " + HEADER_TOKEN + " refused for "
                        + "http://localhost/sec/query?token=" + QUERY_TOKEN + "\"}")));
        long failedBefore = ((Number) channelStatus("sec-query").get("failed_count")).longValue();

        HttpResponse<String> r = call("POST", "/alerts", "{\"title\":\"t\",\"labels\":{\"route\":\"sec-query\"}}",
                SecurityTest.BOOTSTRAP);
        assertThat(r.statusCode()).isEqualTo(202);
        Map<String, Object> delivery = awaitDelivery(parse(r.body()).path("ids").get(0).asText(), "sec-query");
        assertThat(delivery.get("status")).isEqualTo("dead");
        await("failure fields of sec-query", () -> ((Number) channelStatus("sec-query").get("failed_count")).longValue() > failedBefore);

        List<LoggedRequest> sent = WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/sec/query")));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).queryParameter("token").firstValue()).isEqualTo(QUERY_TOKEN);
        assertThat(sent.get(0).getHeader("X-Api-Token")).isEqualTo(HEADER_TOKEN);

        Map<String, Object> status = channelStatus("sec-query");
        assertThat(status.get("last_failure_status_code")).isEqualTo(401);
        assertThat((String) status.get("last_failure_response_text")).contains("refused for", "with header ********");
        assertThat(List.of(delivery, status).toString()).doesNotContain(QUERY_TOKEN, HEADER_TOKEN);
        HttpResponse<String> shown = call("GET", "/channels/sec-query", null, reader);
        assertThat(shown.body()).contains("\"statusCode\":401").doesNotContain(QUERY_TOKEN, HEADER_TOKEN);
        assertThat(output.getAll()).contains("sec-query").doesNotContain(QUERY_TOKEN, HEADER_TOKEN);
    }

    private HttpResponse<String> call(String method, String path, String body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("X-API-Key", key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b.build());
    }
}
