package io.alertrelay.kind;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.ActiveProfiles;

/** The kinds built by kind files alone, against WireMock; one shared context (profile kinds). */
@ActiveProfiles({"test", "kinds"})
abstract class KindTestSupport extends RelayTestSupport {

    @BeforeEach
    void resetVendor() {
        WIREMOCK.resetAll();
    }

    long failedCount(String channel) {
        return ((Number) channelStatus(channel).get("failed_count")).longValue();
    }

    /** The delivery row turns dead just before the channel's failure fields are written; waits for those too. */
    Map<String, Object> awaitFailureRecorded(String channel, long failedBefore) {
        await("failure fields of " + channel, () -> failedCount(channel) > failedBefore);
        return channelStatus(channel);
    }

    /** An alert for the channel of a kind: routed by the label route=&lt;kind&gt;. */
    static Map<String, Object> alert(String kind, Object... fields) {
        Map<String, Object> a = new HashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            a.put((String) fields[i], fields[i + 1]);
        }
        Map<String, String> labels = new HashMap<>();
        if (a.get("labels") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        labels.put("route", kind);
        a.put("labels", labels);
        return a;
    }

    JsonNode preview(String channel, Map<String, Object> alert) {
        HttpResponse<String> r = postJson("/channels/" + channel + "/preview", alert);
        if (r.statusCode() != 200) {
            throw new AssertionError("preview answered " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body());
    }
}
