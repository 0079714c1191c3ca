package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * 10 000 alerts at once with one channel limited to 1/s: ingest keeps answering, nothing is lost,
 * the waiting deliveries stay in the database rather than in memory, and the other channel is not held up.
 */
@ActiveProfiles({"test", "storm"})
@DirtiesContext // thousands of rows still waiting for the 1/s channel; no other class should share them
class StormTest extends RelayTestSupport {

    @Autowired
    private BlockingQueue<Exchange> deliveryExchanges;

    @Value("${alert-relay.delivery.queue-size}")
    private int queueSize;

    @Value("${alert-relay.delivery.workers}")
    private int workers;

    @Value("${alert-relay.delivery.claim-batch}")
    private int claimBatch;

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void aStormIsAbsorbedAndTheLimitedChannelDrainsAtItsPace() {
        WIREMOCK.resetAll();
        WIREMOCK.stubFor(post(urlPathMatching("/storm/.*")).willReturn(aResponse().withStatus(200)));
        long start = System.nanoTime();
        long maxInMemory = 0;
        for (int batch = 0; batch < 20; batch++) {
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                alerts.add(Map.of("title", "storm " + batch + "-" + i, "severity", "low"));
            }
            HttpResponse<String> r = postJson("/alerts", alerts);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            maxInMemory = Math.max(maxInMemory, claimedNow());
            // a single alert in the middle of the storm is still taken
            if (batch == 10) {
                accept(Map.of("title", "during the storm"));
            }
        }
        assertThat(count("SELECT COUNT(*) FROM alerts")).isEqualTo(10_001);
        assertThat(count("SELECT COUNT(*) FROM deliveries")).isEqualTo(20_002);

        RelayTestSupport.await("the unlimited channel to deliver all", Duration.ofSeconds(120), () -> {
            return count("SELECT COUNT(*) FROM deliveries WHERE channel_id = 'storm-fast' AND status = 'sent'") == 10_001;
        });
        maxInMemory = Math.max(maxInMemory, claimedNow());
        double seconds = (System.nanoTime() - start) / 1e9;
        long slowSent = count("SELECT COUNT(*) FROM deliveries WHERE channel_id = 'storm-slow' AND status = 'sent'");
        // 1/s: what the limited channel sent is bounded by the time elapsed (plus the first permit)
        assertThat(slowSent).isLessThanOrEqualTo((long) Math.ceil(seconds) + 2);
        // the rest waits in the database, not in memory: rows claimed are at most what the queue and the workers
        // hold, plus one claim batch in transit (a pass and an ingest can both see the same free room; what
        // does not fit is given back at once)
        assertThat(maxInMemory).isLessThanOrEqualTo(queueSize + workers + claimBatch);
        assertThat(deliveryExchanges.size()).isLessThanOrEqualTo(queueSize);
        assertThat(count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'")).isZero();

        // and it keeps draining at its pace
        RelayTestSupport.await("the limited channel to keep sending", Duration.ofSeconds(10), () ->
                count("SELECT COUNT(*) FROM deliveries WHERE channel_id = 'storm-slow' AND status = 'sent'") >= slowSent + 2);
    }

    /** Deliveries held by this instance right now: queued in memory or on a worker. */
    private long claimedNow() {
        return count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND claimed_by IS NOT NULL");
    }
}
