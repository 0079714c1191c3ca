package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;

/** With Kafka ingest on, readiness includes the brokers. Same context as KafkaIngestTest. */
@ActiveProfiles({"test", "kafka"})
@EmbeddedKafka(kraft = true, partitions = 3, topics = {"alerts-test", "alerts-test.dead"},
        bootstrapServersProperty = "alert-relay.kafka.bootstrap-servers")
class KafkaReadinessTest extends RelayTestSupport {

    @Test
    void readinessIncludesTheKafkaBrokers() {
        // the Kafka consumer's own Camel health check is DOWN until it has joined its group
        await("readiness with Kafka", () -> readiness().statusCode() == 200);
        JsonNode ready = parse(readiness().body());
        List<String> components = new ArrayList<>();
        ready.path("components").fieldNames().forEachRemaining(components::add);
        assertThat(components).containsExactlyInAnyOrder("camelHealth", "db", "kafka", "readinessState");
        assertThat(ready.path("components").path("kafka").path("status").asText()).isEqualTo("UP");
    }

    private HttpResponse<String> readiness() {
        return send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).GET().build());
    }
}
