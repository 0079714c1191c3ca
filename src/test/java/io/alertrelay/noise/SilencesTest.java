package io.alertrelay.noise;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.RelayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Silences through the REST API, as an operator uses them during a maintenance. */
class SilencesTest extends NoiseTestSupport {

    @Autowired
    MeterRegistry meters;

    private String run;

    @BeforeEach
    void setUp() {
        WIREMOCK.resetAll();
        answer("/noise/silence", 204);
        answer("/noise/audit", 204);
        run = UUID.randomUUID().toString();
    }

    private Map<String, Object> alert(String title, String env) {
        return Map.of("title", title, "fingerprint", title + "-" + run,
                "labels", Map.of("feature", "silence", "env", env, "run", run));
    }

    private JsonNode createSilence(String matchers) {
        HttpResponse<String> r = postJson("/silences", Map.of("matchers", matchers, "duration", "2h",
                "createdBy", "alice", "comment", "db maintenance"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return parse(r.body());
    }

    private double suppressed(String channel) {
        Counter c = meters.find("alert.relay.suppressed").tag("channel", channel).tag("reason", "silenced").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aSilencedDeliveryIsNotSentAndIsRecordedWithTheSilenceIdWhileAnOptedOutChannelStillReceives() {
        JsonNode silence = createSilence("{run=\"" + run + "\", env=\"prod\", alertname=~\"Disk.*\", severity!=\"info\"}");
        assertThat(silence.path("status").path("state").asText()).isEqualTo("active");
        assertThat(silence.path("matchers")).hasSize(4);
        assertThat(silence.path("matchers").get(2).path("isRegex").asBoolean()).isTrue();
        double before = suppressed("noise-silence");

        String silenced = accept(alert("Disk full on db1", "prod"));
        String other = accept(alert("Disk full on web1", "dev"));

        Map<String, Object> d = awaitDelivery(silenced, "noise-silence");
        assertThat(d.get("status")).isEqualTo("suppressed");
        assertThat(d.get("suppressed_reason")).isEqualTo("silenced");
        assertThat(d.get("suppressed_ref")).isEqualTo(silence.path("id").asText());
        assertThat(awaitDelivery(silenced, "noise-audit").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(other, "noise-silence").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(other, "noise-audit").get("status")).isEqualTo("sent");
        // on the wire: the unsilenced alert only, and the audit channel got both
        assertThat(received("/noise/silence")).hasSize(1)
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("Disk full on web1"));
        assertThat(received("/noise/audit")).hasSize(2);
        assertThat(suppressed("noise-silence")).isEqualTo(before + 1);
    }

    /** Alertmanager checks silences when it notifies: a silence made after the alert arrived still stops it. */
    @Test
    void aSilenceCreatedAfterTheAlertArrivedStopsItsPendingDelivery() {
        // the first delivery of the fingerprint is slow, so the second waits behind it, already stored
        WIREMOCK.stubFor(post(urlPathEqualTo("/noise/silence")).willReturn(aResponse().withStatus(204)
                .withFixedDelay(1500)));
        String first = accept(alert("Replication lag", "prod"));
        await("the first delivery on the wire", () -> received("/noise/silence").size() == 1);
        String second = accept(alert("Replication lag", "prod"));
        assertThat(status(second, "noise-silence")).isEqualTo("pending");

        JsonNode silence = createSilence("run=\"" + run + "\"");

        assertThat(awaitDelivery(first, "noise-silence").get("status")).isEqualTo("sent");
        Map<String, Object> d = awaitDelivery(second, "noise-silence");
        assertThat(d.get("status")).isEqualTo("suppressed");
        assertThat(d.get("suppressed_ref")).isEqualTo(silence.path("id").asText());
        assertThat(received("/noise/silence")).hasSize(1);
    }

    @Test
    void anExpiredSilenceNoLongerSilencesAndListsAsExpired() {
        JsonNode silence = createSilence("run=\"" + run + "\"");
        String id = silence.path("id").asText();

        HttpResponse<String> expired = delete("/silences/" + id);
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(parse(expired.body()).path("status").path("state").asText()).isEqualTo("expired");

        String alert = accept(alert("Disk full on db9", "prod"));
        assertThat(awaitDelivery(alert, "noise-silence").get("status")).isEqualTo("sent");

        JsonNode list = parse(get("/silences?state=expired").body());
        assertThat(list.findValuesAsText("id")).contains(id);
        assertThat(parse(get("/silences?state=active").body()).findValuesAsText("id")).doesNotContain(id);
        assertThat(parse(get("/silences/" + id).body()).path("createdBy").asText()).isEqualTo("alice");
        assertThat(delete("/silences/no-such-silence").statusCode()).isEqualTo(404);
    }

    @Test
    void aSilenceThatStartsLaterIsPendingAndSilencesNothingYet() {
        Instant start = Instant.now().plus(1, ChronoUnit.HOURS);
        HttpResponse<String> r = postJson("/silences", Map.of("matchers", "run=" + run, "startsAt", start.toString(),
                "endsAt", start.plus(1, ChronoUnit.HOURS).toString(), "createdBy", "bob", "comment", "tonight"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = parse(r.body()).path("id").asText();
        assertThat(parse(get("/silences?state=pending").body()).findValuesAsText("id")).contains(id);

        String alert = accept(alert("Disk full on db2", "prod"));
        assertThat(awaitDelivery(alert, "noise-silence").get("status")).isEqualTo("sent");
    }

    @Test
    void badSilencesAreRefusedNamingTheField() {
        HttpResponse<String> regex = postJson("/silences", Map.of("matchers", "alertname=~\"(\"", "duration", "1h",
                "createdBy", "a", "comment", "c"));
        assertThat(regex.statusCode()).isEqualTo(400);
        JsonNode body = parse(regex.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_silence");
        assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("matchers");

        HttpResponse<String> missing = postJson("/silences", Map.of("matchers", "env=prod"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(parse(missing.body()).findValuesAsText("field")).contains("endsAt", "createdBy", "comment");

        HttpResponse<String> everything = postJson("/silences", Map.of("matchers", "env=~\".*\"", "duration", "1h",
                "createdBy", "a", "comment", "c"));
        assertThat(everything.statusCode()).isEqualTo(400);
        assertThat(everything.body()).contains("every alert");

        HttpResponse<String> past = postJson("/silences", Map.of("matchers", "env=prod", "endsAt", "2001-01-01T00:00:00Z",
                "createdBy", "a", "comment", "c"));
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(parse(past.body()).path("errors").get(0).path("field").asText()).isEqualTo("endsAt");

        assertThat(get("/silences?state=sleeping").statusCode()).isEqualTo(400);
        assertThat(postRaw("/silences", "application/json", "{not json").statusCode()).isEqualTo(400);
    }

    /** Another instance on the same database: its copy of the silences picks up one made here within its refresh. */
    @Test
    void anotherInstanceSeesASilenceAndItsExpiryWithinItsRefresh() {
        RelayProperties props = new RelayProperties();
        props.getNoise().setRefreshMs(100);
        Silences other = new Silences(jdbc, props);
        Map<String, String> attrs = Map.of("run", run, "alertname", "Anything");
        assertThat(other.silencing(attrs, Instant.now())).isEmpty();

        String id = createSilence("run=\"" + run + "\"").path("id").asText();
        await("the other instance to see the silence", () -> other.silencing(attrs, Instant.now())
                .map(s -> s.id().equals(id)).orElse(false));

        delete("/silences/" + id);
        await("the other instance to see the expiry", () -> other.silencing(attrs, Instant.now()).isEmpty());
    }
}
