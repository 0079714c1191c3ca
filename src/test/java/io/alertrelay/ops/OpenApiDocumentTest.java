package io.alertrelay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest extends OpsTestSupport {

    @Test
    void describesTheOperationsApiAndTheIngestRoutes() {
        HttpResponse<String> r = get("/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = parse(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.path("paths");
        assertThat(paths.path("/channels").has("get")).isTrue();
        assertThat(paths.path("/channels/{id}").has("get")).isTrue();
        assertThat(paths.path("/channels/{id}/deliveries").has("get")).isTrue();
        assertThat(paths.path("/channels/{id}/test").has("post")).isTrue();
        assertThat(paths.path("/channels/{id}/replay").has("post")).isTrue();
        assertThat(paths.path("/channels/{id}/preview").has("post")).isTrue();
        assertThat(paths.path("/deliveries").has("get")).isTrue();
        assertThat(paths.path("/deliveries/{id}/replay").has("post")).isTrue();
        assertThat(paths.path("/admin/reload").has("post")).isTrue();

        // the Camel servlet routes, which springdoc cannot see by itself
        JsonNode alerts = paths.path("/alerts").path("post");
        assertThat(alerts.path("responses").has("202")).isTrue();
        assertThat(alerts.path("responses").has("400")).isTrue();
        assertThat(paths.path("/alerts/alertmanager").has("post")).isTrue();
        JsonNode alert = doc.path("components").path("schemas").path("Alert");
        assertThat(alert.path("required")).extracting(JsonNode::asText).containsExactly("title");
        assertThat(alert.path("properties").path("severity").path("enum")).extracting(JsonNode::asText)
                .containsExactly("critical", "high", "medium", "low", "info");

        JsonNode params = paths.path("/channels/{id}/deliveries").path("get").path("parameters");
        assertThat(params).extracting(p -> p.path("name").asText()).contains("id", "status", "page", "size");
    }
}
