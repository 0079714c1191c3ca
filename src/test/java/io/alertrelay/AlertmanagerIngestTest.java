package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    @Test
    void aGroupLargerThanTheBatchLimitIsTakenWhole() {
        // max_alerts is optional in Alertmanager: a group may hold any number of alerts, and a refused one is dropped
        ObjectNode group = group();
        ArrayNode alerts = group.putArray("alerts");
        for (int i = 0; i < 1500; i++) {
            ObjectNode a = alerts.addObject().put("status", "firing").put("fingerprint", "big-group-" + i);
            a.putObject("labels").put("alertname", "BigGroup").put("route", "nowhere");
        }
        HttpResponse<String> r = postJson("/alerts/alertmanager", group);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(parse(r.body()).path("accepted").asInt()).isEqualTo(1500);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE fingerprint LIKE 'big-group-%'", Integer.class))
                .isEqualTo(1500);
    }

    @Test
    void whatTheRelayCannotHoldIsCutOrMovedToDetailsNotRefused() {
        String longName = "A".repeat(300);
        String longLabel = "l".repeat(300);
        ObjectNode group = group();
        ArrayNode alerts = group.putArray("alerts");
        ObjectNode a = alerts.addObject().put("status", "firing").put("fingerprint", "odd-1")
                .put("generatorURL", "prometheus:9090/graph?g0.expr=up");
        a.putObject("labels").put("alertname", longName).put("route", "log").put("", "empty name")
                .put(longLabel, "long name").put("instance", "web-1");
        a.putObject("annotations");
        ObjectNode b = alerts.addObject().put("status", "resolved").put("fingerprint", "f".repeat(300))
                .put("generatorURL", "ftp://prometheus/graph");
        b.putObject("labels").put("alertname", "Other").put("route", "log").put("project", "p".repeat(300));

        HttpResponse<String> r = postJson("/alerts/alertmanager", group);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode ids = parse(r.body()).path("ids");

        JsonNode first = stored(ids.get(0).asText());
        assertThat(first.path("title").asText()).as("no summary: the whole alertname").isEqualTo(longName);
        assertThat(first.path("type").asText()).hasSize(255).endsWith("… [truncated]").startsWith("AAAA");
        assertThat(first.path("labels").path("instance").asText()).isEqualTo("web-1");
        assertThat(first.path("labels").has("")).isFalse();
        assertThat(first.path("labels").has(longLabel)).isFalse();
        assertThat(first.path("details").path("labels").path("").asText()).isEqualTo("empty name");
        assertThat(first.path("details").path("labels").path(longLabel).asText()).isEqualTo("long name");
        assertThat(first.has("url")).isFalse();
        assertThat(first.path("details").path("generatorURL").asText()).isEqualTo("prometheus:9090/graph?g0.expr=up");
        assertThat(awaitDelivery(ids.get(0).asText(), "console").get("status")).isEqualTo("sent");

        JsonNode second = stored(ids.get(1).asText());
        assertThat(second.path("project").asText()).hasSize(255).endsWith("… [truncated]");
        assertThat(second.path("fingerprint").asText()).hasSize(64).matches("[0-9a-f]+");
        assertThat(second.path("details").path("generatorURL").asText()).isEqualTo("ftp://prometheus/graph");
        assertThat(awaitDelivery(ids.get(1).asText(), "console").get("status")).isEqualTo("sent");
    }

    private ObjectNode group() {
        ObjectNode g = json.createObjectNode().put("version", "4").put("status", "firing").put("receiver", "relay")
                .put("groupKey", "{}:{}").put("externalURL", "http://alertmanager:9093");
        g.putObject("groupLabels");
        return g;
    }

    private JsonNode stored(String id) {
        return parse(jdbc.queryForObject("SELECT body FROM alerts WHERE id = ?", String.class, id));
    }
}
