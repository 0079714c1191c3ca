package io.alertrelay.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.RelayTestSupport;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * History retention against the real schema. The rows under test are dated 2001 and purged with a 2002
 * cutoff, so the purge cannot touch what other tests sharing this database keep. As in production, old
 * rows have the smallest keys (negative delivery ids, alert ids of 2001), and the purge walks with a
 * window of two rows, so every test crosses several windows before it meets the younger rows.
 */
@ActiveProfiles({"test", "core"})
class RetentionTest extends RelayTestSupport {

    static final Instant LONG_AGO = Instant.parse("2001-06-01T00:00:00Z");
    static final Instant CUTOFF = Instant.parse("2002-01-01T00:00:00Z");
    static final Instant AFTER_CUTOFF = Instant.parse("2003-01-01T00:00:00Z");

    static final AtomicLong OLD_DELIVERY_IDS = new AtomicLong(-1_000_000);

    @Autowired
    TransactionTemplate tx;

    Retention retention;

    @BeforeEach
    void smallWindows() {
        retention = new Retention(jdbc, tx, 30, 2);
    }

    @Autowired
    CamelContext camel;

    @Test
    void finishedHistoryGoesAndWhatIsPendingStays() {
        String done = alert(LONG_AGO);
        delivery(done, "sent", LONG_AGO);
        delivery(done, "dead", LONG_AGO);
        String mixed = alert(LONG_AGO);
        long oldSent = delivery(mixed, "sent", LONG_AGO);
        long stillPending = delivery(mixed, "pending", LONG_AGO);
        String noChannel = alert(LONG_AGO);
        String lateFinish = alert(LONG_AGO);
        long sentLate = delivery(lateFinish, "sent", AFTER_CUTOFF);

        Retention.Purged purged = retention.purgeBefore(CUTOFF);

        assertThat(alertExists(done)).isFalse();
        assertThat(deliveriesOf(done)).isZero();
        assertThat(alertExists(noChannel)).isFalse();
        // an alert keeps living while any of its deliveries is pending, however old
        assertThat(alertExists(mixed)).isTrue();
        assertThat(deliveryExists(oldSent)).isFalse();
        assertThat(deliveryExists(stillPending)).isTrue();
        // age counts from when a delivery finished, not from when its alert came in
        assertThat(alertExists(lateFinish)).isTrue();
        assertThat(deliveryExists(sentLate)).isTrue();
        assertThat(purged.deliveries()).isEqualTo(3);
        assertThat(purged.alerts()).isEqualTo(2);

        jdbc.update("DELETE FROM deliveries WHERE alert_id IN (?, ?)", mixed, lateFinish);
        jdbc.update("DELETE FROM alerts WHERE id IN (?, ?)", mixed, lateFinish);
    }

    @Test
    void anAlertDeliveredThroughTheRelayIsPurgedOnceOld() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/signed")).willReturn(aResponse().withStatus(200)));
        String id = accept(Map.of("title", "Retention end to end", "labels", Map.of("route", "signed")));
        assertThat(awaitDelivery(id, "hook-signed").get("status")).isEqualTo("sent");
        // let it age: the same rows, dated back, and the delivery's id as small as an old one's would be
        Timestamp old = Timestamp.from(LONG_AGO);
        jdbc.update("UPDATE deliveries SET id = ?, created_at = ?, updated_at = ?, sent_at = ? WHERE alert_id = ?",
                OLD_DELIVERY_IDS.incrementAndGet(), old, old, old, id);
        jdbc.update("UPDATE alerts SET received_at = ? WHERE id = ?", old, id);

        retention.purgeBefore(CUTOFF);

        assertThat(alertExists(id)).isFalse();
        assertThat(deliveriesOf(id)).isZero();
    }

    @Test
    void anAlertWhoseIdIsNotTimeOrderedGoesWithItsLastDelivery() {
        // ids were random (version 4) before they were time-ordered: this one sorts after every young alert
        String randomId = "ffffffff-ffff-4fff-bfff-" + String.format("%012x", ThreadLocalRandom.current().nextLong(1L << 48));
        insertAlert(randomId, LONG_AGO);
        long d = delivery(randomId, "dead", LONG_AGO);
        // a young alert, so the walk by key stops before the random id
        String young = alert(Instant.now());

        retention.purgeBefore(CUTOFF);

        assertThat(deliveryExists(d)).isFalse();
        assertThat(alertExists(randomId)).isFalse();
        assertThat(alertExists(young)).isTrue();
        jdbc.update("DELETE FROM alerts WHERE id = ?", young);
    }

    @Test
    void zeroDaysKeepsEverything() {
        String a = alert(LONG_AGO);
        long d = delivery(a, "sent", LONG_AGO);

        assertThat(new Retention(jdbc, tx, 0).purge()).isEqualTo(new Retention.Purged(0, 0));

        assertThat(alertExists(a)).isTrue();
        assertThat(deliveryExists(d)).isTrue();
        retention.purgeBefore(CUTOFF); // leave nothing old behind for the other tests
    }

    @Test
    void thePurgeRunsOnATimerRoute() {
        assertThat(camel.getRouteController().getRouteStatus("purge-history").isStarted()).isTrue();
    }

    /** An id shaped like the relay's own (UUID version 7, time-ordered), taken at the given time. */
    private String alert(Instant receivedAt) {
        long ms = receivedAt.toEpochMilli();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = String.format("%08x-%04x-7%03x-%04x-%012x", ms >>> 16, ms & 0xffff, r.nextInt(0x1000),
                0x8000 | r.nextInt(0x4000), r.nextLong(1L << 48));
        insertAlert(id, receivedAt);
        return id;
    }

    private void insertAlert(String id, Instant receivedAt) {
        jdbc.update("INSERT INTO alerts (id, fingerprint, title, severity, status, body, received_at) "
                + "VALUES (?, ?, 'old', 'info', 'firing', '{}', ?)", id, "retention-" + id, Timestamp.from(receivedAt));
    }

    /** A pending row is leased to another instance far ahead, so no poller here picks it up. */
    private long delivery(String alertId, String status, Instant finishedAt) {
        boolean pending = status.equals("pending");
        long id = OLD_DELIVERY_IDS.incrementAndGet();
        jdbc.update("INSERT INTO deliveries (id, alert_id, channel_id, fingerprint, status, attempts, claimed_by, lease_until, "
                        + "created_at, updated_at) VALUES (?, ?, 'retention-test', ?, ?, 1, ?, ?, ?, ?)",
                id, alertId, "retention-" + alertId, status, pending ? "another-instance" : null,
                pending ? Timestamp.from(Instant.now().plusSeconds(3600)) : null, Timestamp.from(LONG_AGO),
                Timestamp.from(finishedAt));
        return id;
    }

    private boolean alertExists(String id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM alerts WHERE id = ?", Integer.class, id) == 1;
    }

    private int deliveriesOf(String alertId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE alert_id = ?", Integer.class, alertId);
    }

    private boolean deliveryExists(long id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE id = ?", Integer.class, id) == 1;
    }
}
