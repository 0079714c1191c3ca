package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Repeat interval, inhibition and time intervals, end to end: what reaches the wire and what the rows say. */
class NoiseRulesTest extends NoiseTestSupport {

    @Autowired
    MeterRegistry meters;

    @Autowired
    NoiseControl noise;

    private String run;

    @BeforeEach
    void setUp() {
        WIREMOCK.resetAll();
        for (String p : List.of("/noise/repeat", "/noise/inhibit", "/noise/muted", "/noise/held")) {
            answer(p, 204);
        }
        run = UUID.randomUUID().toString();
    }

    @AfterEach
    void realTime() {
        noise.useClock(Clock.systemUTC());
    }

    private Map<String, Object> alert(String feature, String title, String fingerprint, String status, String reason,
                                      Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("feature", feature);
        all.put("run", run);
        return Map.of("title", title, "fingerprint", fingerprint + "-" + run, "status", status, "reason", reason,
                "labels", all);
    }

    private double suppressed(String channel, String reason) {
        Counter c = meters.find("alert.relay.suppressed").tag("channel", channel).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void repeatsWithinTheRepeatIntervalAreSuppressedWhileStatusChangesGoThrough() {
        double before = suppressed("noise-repeat", "repeat_interval");
        String first = accept(alert("repeat", "Queue backlog", "q", "firing", "new", Map.of()));
        String repeat1 = accept(alert("repeat", "Queue backlog", "q", "firing", "repeat", Map.of()));
        String repeat2 = accept(alert("repeat", "Queue backlog", "q", "firing", "repeat", Map.of()));
        String acked = accept(alert("repeat", "Queue backlog", "q", "acknowledged", "repeat", Map.of()));
        String regression = accept(alert("repeat", "Queue backlog", "q", "firing", "regression", Map.of()));
        String resolved = accept(alert("repeat", "Queue backlog", "q", "resolved", "new", Map.of()));

        assertThat(awaitDelivery(resolved, "noise-repeat").get("status")).isEqualTo("sent");
        assertThat(status(first, "noise-repeat")).isEqualTo("sent");
        Map<String, Object> r1 = deliveryOf(repeat1, "noise-repeat");
        assertThat(r1.get("status")).isEqualTo("suppressed");
        assertThat(r1.get("suppressed_reason")).isEqualTo("repeat_interval");
        assertThat(r1.get("suppressed_ref")).isEqualTo(String.valueOf(deliveryOf(first, "noise-repeat").get("id")));
        assertThat(status(repeat2, "noise-repeat")).isEqualTo("suppressed");
        assertThat(status(acked, "noise-repeat")).isEqualTo("sent");
        assertThat(status(regression, "noise-repeat")).isEqualTo("sent");
        List<String> wire = received("/noise/repeat").stream()
                .map(r -> parse(r.getBodyAsString()).path("alert").path("status").asText()).toList();
        assertThat(wire).containsExactlyInAnyOrder("firing", "acknowledged", "firing", "resolved");
        assertThat(suppressed("noise-repeat", "repeat_interval")).isEqualTo(before + 2);
    }

    @Test
    void aFiringSourceInhibitsMatchingTargetsWithTheSameEqualLabelsUntilItResolves() {
        String hostDown = accept(alert("inhibit", "HostDown", "host-db1", "firing", "new", Map.of("host", "db1")));
        awaitDelivery(hostDown, "noise-inhibit");

        String diskDb1 = accept(alert("inhibit", "DiskFull", "disk-db1", "firing", "new", Map.of("host", "db1")));
        String diskDb2 = accept(alert("inhibit", "DiskFull", "disk-db2", "firing", "new", Map.of("host", "db2")));
        Map<String, Object> inhibited = awaitDelivery(diskDb1, "noise-inhibit");
        assertThat(inhibited.get("status")).isEqualTo("suppressed");
        assertThat(inhibited.get("suppressed_reason")).isEqualTo("inhibited");
        assertThat(inhibited.get("suppressed_ref")).isEqualTo(hostDown);
        assertThat(awaitDelivery(diskDb2, "noise-inhibit").get("status")).isEqualTo("sent");

        // the inhibition ends with its source
        String hostUp = accept(alert("inhibit", "HostDown", "host-db1", "resolved", "new", Map.of("host", "db1")));
        awaitDelivery(hostUp, "noise-inhibit");
        String diskAgain = accept(alert("inhibit", "DiskFull", "disk-db1", "firing", "repeat", Map.of("host", "db1")));
        assertThat(awaitDelivery(diskAgain, "noise-inhibit").get("status")).isEqualTo("sent");

        List<String> titles = received("/noise/inhibit").stream()
                .map(r -> parse(r.getBodyAsString()).path("alert").path("labels").path("host").asText()
                        + ":" + parse(r.getBodyAsString()).path("alert").path("title").asText()).toList();
        assertThat(titles).containsExactlyInAnyOrder("db1:HostDown", "db2:DiskFull", "db1:HostDown", "db1:DiskFull");
    }

    @Test
    void aMutedChannelDropsItsDeliveriesAsSuppressedNamingTheInterval() {
        String id = accept(alert("mute", "Nightly batch late", "batch", "firing", "new", Map.of()));
        Map<String, Object> d = awaitDelivery(id, "noise-muted");
        assertThat(d.get("status")).isEqualTo("suppressed");
        assertThat(d.get("suppressed_reason")).isEqualTo("muted");
        assertThat(d.get("suppressed_ref")).isEqualTo("always");
        assertThat(received("/noise/muted")).isEmpty();
    }

    @Test
    void aHeldDeliveryGoesOutWhenItsMuteIntervalEndsUnlessItsAlertResolvedMeanwhile() {
        Instant newYear = Year.now(ZoneOffset.UTC).plusYears(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        String held = accept(alert("hold", "Certificate expires", "cert", "firing", "new", Map.of()));
        String flapFiring = accept(alert("hold", "Backup failed", "backup", "firing", "new", Map.of()));
        String flapResolved = accept(alert("hold", "Backup failed", "backup", "resolved", "new", Map.of()));
        for (String id : List.of(held, flapFiring, flapResolved)) {
            Map<String, Object> d = deliveryOf(id, "noise-held");
            assertThat(d.get("status")).isEqualTo("pending");
            assertThat(d.get("suppressed_reason")).isEqualTo("held");
            assertThat(d.get("suppressed_ref")).isEqualTo("this-year");
            assertThat(((java.time.OffsetDateTime) d.get("lease_until")).toInstant()).isEqualTo(newYear);
        }
        JsonNode why = parse(get("/alerts/" + held).body());
        assertThat(channel(why, "noise-held").path("outcome").asText()).isEqualTo("held");

        // New Year: the interval is over
        noise.useClock(Clock.fixed(newYear.plusSeconds(1), ZoneOffset.UTC));
        jdbc.update("UPDATE deliveries SET lease_until = ? WHERE channel_id = 'noise-held' AND status = 'pending'",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)));

        assertThat(awaitDelivery(held, "noise-held").get("status")).isEqualTo("sent");
        assertThat(awaitDelivery(flapResolved, "noise-held").get("status")).isEqualTo("sent");
        Map<String, Object> flap = deliveryOf(flapFiring, "noise-held");
        assertThat(flap.get("status")).isEqualTo("suppressed");
        assertThat(flap.get("suppressed_reason")).isEqualTo("resolved_while_held");
        assertThat(flap.get("suppressed_ref")).isEqualTo(flapResolved);
        List<String> wire = received("/noise/held").stream()
                .map(r -> parse(r.getBodyAsString()).path("alert").path("title").asText() + ":"
                        + parse(r.getBodyAsString()).path("alert").path("status").asText()).toList();
        assertThat(wire).containsExactlyInAnyOrder("Certificate expires:firing", "Backup failed:resolved");
    }

    static JsonNode channel(JsonNode why, String id) {
        for (JsonNode c : why.path("channels")) {
            if (c.path("channel").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no channel " + id + " in " + why);
    }
}
