package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "core"})
class AlertmanagerIngestTest extends RelayTestSupport {

    private static final String PAYLOAD = """
            {
              "version": "4",
              "groupKey": "{}:{alertname=\\"HighCPU\\"}",
              "truncatedAlerts": 0,
              "status": "firing",
              "receiver": "relay",
              "groupLabels": {"alertname": "HighCPU"},
              "commonLabels": {"alertname": "HighCPU"},
              "commonAnnotations": {},
              "externalURL": "http://alertmanager:9093",
              "alerts": [
                {
                  "status": "firing",
                  "labels": {"alertname": "HighCPU", "severity": "critical", "instance": "web-1", "route": "log"},
                  "annotations": {"summary": "CPU above 95% on web-1", "description": "For **10 minutes**."},
                  "startsAt": "2024-05-01T12:00:00Z",
                  "endsAt": "0001-01-01T00:00:00Z",
                  "generatorURL": "http://prometheus:9090/graph?g0.expr=cpu",
                  "fingerprint": "c0ffee01"
                },
                {
                  "status": "resolved",
                  "labels": {"alertname": "DiskFull", "severity": "warning", "route": "log"},
                  "annotations": {},
                  "startsAt": "2024-05-01T11:00:00Z",
                  "endsAt": "2024-05-01T11:30:00Z",
                  "generatorURL": "http://prometheus:9090/graph?g0.expr=disk",
                  "fingerprint": "c0ffee02"
                }
              ]
            }
            """;

    @Test
    void eachAlertmanagerAlertBecomesARelayAlert() {
        HttpResponse<String> r = postRaw("/alerts/alertmanager", "application/json", PAYLOAD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode ids = parse(r.body()).path("ids");
        assertThat(ids).hasSize(2);

        JsonNode firing = stored(ids.get(0).asText());
        assertThat(firing.path("title").asText()).isEqualTo("CPU above 95% on web-1");
        assertThat(firing.path("message").asText()).isEqualTo("For **10 minutes**.");
        assertThat(firing.path("severity").asText()).isEqualTo("critical");
        assertThat(firing.path("status").asText()).isEqualTo("firing");
        assertThat(firing.path("fingerprint").asText()).isEqualTo("c0ffee01");
        assertThat(firing.path("url").asText()).isEqualTo("http://prometheus:9090/graph?g0.expr=cpu");
        assertThat(firing.path("labels").path("instance").asText()).isEqualTo("web-1");
        assertThat(firing.path("occurredAt").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(firing.path("source").asText()).isEqualTo("alertmanager");
        assertThat(firing.path("details").path("externalURL").asText()).isEqualTo("http://alertmanager:9093");
        assertThat(firing.has("lastSeen")).isFalse();

        JsonNode resolved = stored(ids.get(1).asText());
        assertThat(resolved.path("title").asText()).isEqualTo("DiskFull");
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.path("severity").asText()).isEqualTo("medium");
        assertThat(resolved.path("lastSeen").asText()).isEqualTo("2024-05-01T11:30:00Z");

        assertThat(awaitDelivery(ids.get(0).asText(), "console").get("status")).isEqualTo("sent");
    }

    @Test
    void aPayloadWithoutAlertsIsRefusedNamingTheField() {
        HttpResponse<String> r = postRaw("/alerts/alertmanager", "application/json", "{\"version\":\"4\",\"status\":\"firing\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(parse(r.body()).path("errors").get(0).path("field").asText()).isEqualTo("alerts");
    }

    @Test
    void aBadAlertIsNamedByItsIndex() {
        String bad = "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}},"
                + "{\"status\":\"exploded\",\"labels\":{\"alertname\":\"B\"}}]}";
        HttpResponse<String> r = postRaw("/alerts/alertmanager", "application/json", bad);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(parse(r.body()).path("errors").get(0).path("field").asText()).isEqualTo("alerts[1].status");
    }

    @Test
    void anotherWebhookVersionIsRefused() {
        HttpResponse<String> r = postRaw("/alerts/alertmanager", "application/json", "{\"version\":\"3\",\"alerts\":[{}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(parse(r.body()).path("errors").get(0).path("field").asText()).isEqualTo("version");
    }

    private JsonNode stored(String id) {
        return parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, id));
    }
}
