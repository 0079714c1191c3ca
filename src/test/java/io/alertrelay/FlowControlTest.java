package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.delivery.FlowControl;
import io.alertrelay.support.RelayTestSupport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;

/** Rate limits, circuit breakers and per-fingerprint ordering, seen from the wire. */
@ActiveProfiles({"test", "flow"})
class FlowControlTest extends RelayTestSupport {

    @Autowired
    private FlowControl flow;

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    private List<LoggedRequest> requests(String path) {
        List<LoggedRequest> r = new ArrayList<>(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path))));
        r.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return r;
    }

    @Test
    void aRateLimitedChannelWaitsWithoutDroppingOrDelayingOthers() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/limited")).willReturn(aResponse().withStatus(200)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/free")).willReturn(aResponse().withStatus(200)));
        List<String> limited = new ArrayList<>();
        List<String> free = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            limited.add(accept(Map.of("title", "limited " + i, "labels", Map.of("route", "limited"))));
            free.add(accept(Map.of("title", "free " + i, "labels", Map.of("route", "free"))));
        }

        await("the unlimited channel to deliver everything", () -> requests("/flow/free").size() == 8);
        // at 2/s the limited channel cannot have sent all 8 yet: it did not hold up the other channel
        assertThat(requests("/flow/limited").size()).isLessThan(8);

        for (String id : limited) {
            Map<String, Object> d = awaitDelivery(id, "limited");
            assertThat(d.get("status")).isEqualTo("sent");
            // waiting for the limit is not an attempt
            assertThat(d.get("attempts")).isEqualTo(1);
        }
        List<LoggedRequest> sent = requests("/flow/limited");
        assertThat(sent).hasSize(8);
        long span = sent.get(7).getLoggedDate().getTime() - sent.get(0).getLoggedDate().getTime();
        // 8 requests at 2 per second need at least three refresh periods after the first two
        assertThat(span).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void aFailingChannelOpensItsBreakerThenRecovers() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/breaker")).willReturn(aResponse().withStatus(503)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(accept(Map.of("title", "down " + i, "labels", Map.of("route", "breaker"))));
        }

        await("the breaker to open", () -> flow.breaker("breaker").getState() != CircuitBreaker.State.CLOSED);
        // the operator sees why while the deliveries wait
        await("the failure fields", () -> "server_error".equals(channelStatus("breaker").get("last_failure_error_type")));
        for (String id : ids) {
            assertThat(deliveryOf(id, "breaker").get("status")).isIn("pending", "sent");
        }

        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/breaker")).willReturn(aResponse().withStatus(200)));
        for (String id : ids) {
            assertThat(awaitDelivery(id, "breaker").get("status")).isEqualTo("sent");
        }
        assertThat(flow.breaker("breaker").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(channelStatus("breaker").get("last_failure_error_type")).isNull();
    }

    @Test
    void oneFingerprintGoesOutInOrderWhileOthersProceed() {
        // the trigger is answered slowly: without ordering the acknowledge and resolve would overtake it
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/ordered")).withRequestBody(containing("\"status\":\"firing\""))
                .willReturn(aResponse().withStatus(200).withFixedDelay(600)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/ordered")).withRequestBody(containing("\"status\":\"acknowledged\""))
                .willReturn(aResponse().withStatus(200)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/ordered")).withRequestBody(containing("\"status\":\"resolved\""))
                .willReturn(aResponse().withStatus(200)));

        Map<String, Object> labels = Map.of("route", "ordered");
        String trigger = accept(Map.of("title", "Checkout down", "fingerprint", "fp-ordered", "labels", labels));
        String ack = accept(Map.of("title", "Checkout down", "fingerprint", "fp-ordered", "status", "acknowledged", "labels", labels));
        String resolve = accept(Map.of("title", "Checkout down", "fingerprint", "fp-ordered", "status", "resolved", "labels", labels));
        String other = accept(Map.of("title", "Unrelated", "fingerprint", "fp-other", "labels", labels, "severity", "low"));

        for (String id : List.of(trigger, ack, resolve, other)) {
            assertThat(awaitDelivery(id, "ordered").get("status")).isEqualTo("sent");
        }
        List<LoggedRequest> sent = requests("/flow/ordered");
        List<String> fpOrdered = sent.stream().filter(r -> r.getBodyAsString().contains("fp-ordered"))
                .map(r -> parse(r.getBodyAsString()).path("alert").path("status").asText()).toList();
        assertThat(fpOrdered).containsExactly("firing", "acknowledged", "resolved");

        LoggedRequest firstTrigger = sent.stream().filter(r -> r.getBodyAsString().contains("fp-ordered")).findFirst().orElseThrow();
        LoggedRequest unrelated = sent.stream().filter(r -> r.getBodyAsString().contains("fp-other")).findFirst().orElseThrow();
        long ackAt = sent.stream().filter(r -> r.getBodyAsString().contains("\"acknowledged\"")).findFirst().orElseThrow()
                .getLoggedDate().getTime();
        // the other fingerprint did not wait for the slow trigger
        assertThat(unrelated.getLoggedDate().getTime()).isLessThan(ackAt);
        assertThat(ackAt - firstTrigger.getLoggedDate().getTime()).isGreaterThanOrEqualTo(550);
    }

    /**
     * Deliveries that wait behind their fingerprint go out through a claim pass, which hands the workers
     * the rows it read; an alert too large to hold in the queue is read by its worker instead. Both
     * arrive whole and in order.
     */
    @Test
    void waitingDeliveriesSmallAndLargeGoOutWholeAfterTheirPredecessor() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/ordered")).withRequestBody(containing("slow-first"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(600)));
        WIREMOCK.stubFor(post(urlPathEqualTo("/flow/ordered")).withRequestBody(containing("fp-carried"))
                .atPriority(10).willReturn(aResponse().withStatus(200)));
        Map<String, Object> labels = Map.of("route", "ordered");
        String large = "L".repeat(100_000);

        String first = accept(Map.of("title", "slow-first", "fingerprint", "fp-carried", "labels", labels));
        String small = accept(Map.of("title", "small-second", "fingerprint", "fp-carried", "labels", labels));
        String big = accept(Map.of("title", "large-third", "fingerprint", "fp-carried", "message", large, "labels", labels));

        for (String id : List.of(first, small, big)) {
            assertThat(awaitDelivery(id, "ordered").get("status")).isEqualTo("sent");
        }
        List<JsonNode> bodies = requests("/flow/ordered").stream().map(r -> parse(r.getBodyAsString()))
                .filter(b -> b.path("alert").path("fingerprint").asText().equals("fp-carried")).toList();
        assertThat(bodies).extracting(b -> b.path("alert").path("title").asText())
                .containsExactly("slow-first", "small-second", "large-third");
        assertThat(bodies.get(2).path("alert").path("message").asText()).isEqualTo(large);
    }
}
