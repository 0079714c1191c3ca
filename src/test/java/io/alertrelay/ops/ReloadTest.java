package io.alertrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POST /admin/reload against a real config file (spring.config.additional-location, see OpsTestSupport)
 * that the test rewrites, as an operator edits application.yaml.
 */
class ReloadTest extends OpsTestSupport {

    private static final String EXTRA = """
                - id: ops-reloaded
                  kind: webhook
                  match:
                    labels: {route: ops-reloaded}
                  config:
                    url: %s
            """;

    @AfterEach
    void backToTheOriginalChannels() {
        writeReloadFile("# no extra channels\n");
        assertThat(postEmpty("/admin/reload").statusCode()).isEqualTo(200);
    }

    @Test
    void reloadAddsAChannelRefusesABrokenConfigAndRemovesItWithoutDroppingDeliveriesInFlight() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/reloaded")).willReturn(aResponse().withStatus(200).withFixedDelay(700)));
        assertThat(get("/channels/ops-reloaded").statusCode()).isEqualTo(404);
        assertThat(deliveries(acceptAlert("before reload"))).isZero();

        // add
        writeReloadFile(opsChannelsPlus("http://localhost:" + WIREMOCK.port() + "/ops/reloaded"));
        HttpResponse<String> added = postEmpty("/admin/reload");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(parse(added.body()).path("added")).extracting(JsonNode::asText).containsExactly("ops-reloaded");
        assertThat(parse(added.body()).path("removed")).isEmpty();
        assertThat(parse(added.body()).path("channels")).extracting(JsonNode::asText).contains("ops-hook", "ops-reloaded");
        JsonNode channel = parse(get("/channels/ops-reloaded").body());
        assertThat(channel.path("config").path("url").asText()).endsWith("/ops/reloaded");
        assertThat(channel.path("status").path("sentCount").asLong()).isZero();
        assertThat(channelStatus("ops-reloaded")).as("a status row for the new channel").isNotNull();
        String first = acceptFor("ops-reloaded", "after reload");
        assertThat(awaitDelivery(first, "ops-reloaded").get("STATUS")).isEqualTo("sent");

        // a broken file is refused with the reason; the running channel goes on delivering
        String inFlight = acceptFor("ops-reloaded", "in flight during a broken reload");
        awaitRequest("in flight during a broken reload");
        writeReloadFile(opsChannelsPlus("hooks.example.com/no-scheme"));
        HttpResponse<String> refused = postEmpty("/admin/reload");
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode reason = parse(refused.body());
        assertThat(reason.path("error").asText()).isEqualTo("invalid_config");
        assertThat(reason.path("message").asText()).isEqualTo(
                "channel 'ops-reloaded': config.url must be an absolute http(s) URL, got \"hooks.example.com/no-scheme\"");
        assertThat(awaitDelivery(inFlight, "ops-reloaded").get("STATUS")).isEqualTo("sent");
        assertThat(parse(get("/channels/ops-reloaded").body()).path("config").path("url").asText()).endsWith("/ops/reloaded");
        String afterRefusal = acceptFor("ops-reloaded", "after the refused reload");
        assertThat(awaitDelivery(afterRefusal, "ops-reloaded").get("STATUS")).isEqualTo("sent");

        writeReloadFile("alert-relay:\n  channels:\n    - id: [unclosed\n");
        HttpResponse<String> unreadable = postEmpty("/admin/reload");
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(parse(unreadable.body()).path("message").asText()).startsWith("cannot read the configuration: ")
                .contains("ops-reload/application.yaml").endsWith(", line 4, column 1: expected ',' or ']', but got <stream end>");
        assertThat(unreadable.body()).doesNotContain("\\n\\tat ");
        assertThat(get("/channels/ops-reloaded").statusCode()).isEqualTo(200);

        // remove, while one of its deliveries is on the wire
        String removedInFlight = acceptFor("ops-reloaded", "in flight during removal");
        awaitRequest("in flight during removal");
        writeReloadFile("# no extra channels\n");
        HttpResponse<String> removed = postEmpty("/admin/reload");
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(parse(removed.body()).path("removed")).extracting(JsonNode::asText).containsExactly("ops-reloaded");
        assertThat(awaitDelivery(removedInFlight, "ops-reloaded").get("STATUS")).as("not dropped").isEqualTo("sent");
        assertThat(get("/channels/ops-reloaded").statusCode()).isEqualTo(404);
        assertThat(deliveries(acceptAlert("after removal"))).isZero();
        assertThat(get("/channels/ops-hook").statusCode()).isEqualTo(200);
    }

    /** The ops channels, ops-noise-reload (route ops-reloaded) with the given extra settings, and the given top-level noise settings. */
    private static String withNoise(String channelSettings, String noise) {
        // a channel id of its own: the other tests expect ops-reloaded to start with no history
        String channel = opsChannelsPlus("http://localhost:" + WIREMOCK.port() + "/ops/reloaded").stripTrailing()
                .replace("id: ops-reloaded", "id: ops-noise-reload");
        return channel + "\n" + channelSettings.indent(6) + noise.indent(2);
    }

    private String suppressedReason(String alertId) {
        Map<String, Object> d = awaitDelivery(alertId, "ops-noise-reload");
        return d.get("STATUS") + " " + d.get("SUPPRESSED_REASON") + " " + d.get("SUPPRESSED_REF");
    }

    @Test
    void reloadReadsTimeIntervalsAndInhibitRulesWithTheStartupChecksAndABadOneChangesNothing() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/reloaded")).willReturn(aResponse().withStatus(200)));
        String always = """
                time-intervals:
                  - name: always
                    time-intervals:
                      - times: [{start-time: "00:00", end-time: "24:00"}]
                """;
        writeReloadFile(withNoise("mute-time-intervals: [always]", always));
        HttpResponse<String> muted = postEmpty("/admin/reload");
        assertThat(muted.statusCode()).as(muted.body()).isEqualTo(200);
        assertThat(suppressedReason(acceptFor("ops-reloaded", "muted after reload"))).isEqualTo("suppressed muted always");

        // a bad interval: refused as at startup, naming the field; the running interval still mutes
        writeReloadFile(withNoise("mute-time-intervals: [always]", always.replace("24:00", "25:00")));
        HttpResponse<String> badInterval = postEmpty("/admin/reload");
        assertThat(badInterval.statusCode()).isEqualTo(400);
        assertThat(parse(badInterval.body()).path("error").asText()).isEqualTo("invalid_config");
        assertThat(parse(badInterval.body()).path("message").asText())
                .startsWith("alert-relay.time-intervals[0].time-intervals[0].times[0]");
        // a channel naming an interval the new file does not define
        writeReloadFile(withNoise("mute-time-intervals: [weekend]", always));
        HttpResponse<String> unknown = postEmpty("/admin/reload");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(parse(unknown.body()).path("message").asText()).isEqualTo("channel 'ops-noise-reload': mute-time-intervals "
                + "names an unknown time interval \"weekend\" (defined: always; see alert-relay.time-intervals)");
        assertThat(suppressedReason(acceptFor("ops-reloaded", "still muted"))).isEqualTo("suppressed muted always");

        // inhibit rules: the interval gone, a rule added
        String rule = """
                inhibit-rules:
                  - source-matchers: ['alertname="Outage"', 'route="ops-reloaded"']
                    target-matchers: ['route="ops-reloaded"', 'alertname!="Outage"']
                """;
        writeReloadFile(withNoise("", rule));
        assertThat(postEmpty("/admin/reload").statusCode()).isEqualTo(200);
        String outage = accept(Map.of("title", "Outage", "severity", "high",
                "labels", Map.of("route", "ops-reloaded", "alertname", "Outage")));
        assertThat(suppressedReason(outage)).isEqualTo("sent null null");
        assertThat(suppressedReason(acceptFor("ops-reloaded", "inhibited after reload")))
                .isEqualTo("suppressed inhibited " + outage);

        writeReloadFile(withNoise("", "inhibit-rules:\n  - source-matchers: ['alertname=\"Outage\"']\n"));
        HttpResponse<String> badRule = postEmpty("/admin/reload");
        assertThat(badRule.statusCode()).isEqualTo(400);
        assertThat(parse(badRule.body()).path("message").asText())
                .contains("alert-relay.inhibit-rules[0]: source-matchers and target-matchers are both required");
        assertThat(suppressedReason(acceptFor("ops-reloaded", "still inhibited")))
                .isEqualTo("suppressed inhibited " + outage);

        // no rules any more: nothing is inhibited
        writeReloadFile(withNoise("", ""));
        assertThat(postEmpty("/admin/reload").statusCode()).isEqualTo(200);
        assertThat(suppressedReason(acceptFor("ops-reloaded", "after the rule was removed"))).isEqualTo("sent null null");
    }

    @Test
    void aSettingOfTheWrongTypeIsNamedWithItsPlaceNotAJavaType() {
        writeReloadFile("alert-relay:\n  channels:\n    - id: typo\n      kind: log\n      enabled: maybe\n");
        HttpResponse<String> flag = postEmpty("/admin/reload");
        assertThat(flag.statusCode()).isEqualTo(400);
        assertThat(parse(flag.body()).path("message").asText()).startsWith(
                "alert-relay.channels[0].enabled must be true or false, got \"maybe\" (")
                .endsWith("ops-reload/application.yaml], line 5, column 16)");

        writeReloadFile("alert-relay:\n  channels: everything\n");
        HttpResponse<String> list = postEmpty("/admin/reload");
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(parse(list.body()).path("message").asText())
                .startsWith("alert-relay.channels must be a list, got \"everything\"");
        assertThat(list.body()).doesNotContain("java.").doesNotContain("io.alertrelay");
        assertThat(get("/channels/ops-hook").statusCode()).isEqualTo(200);
    }

    @Test
    void aReloadThatLeavesNoChannelIsRefusedUnlessAskedFor() {
        assertThat(health().path("components").path("channels").path("status").asText()).isEqualTo("UP");
        writeReloadFile("alert-relay:\n  channels: []\n");

        HttpResponse<String> refused = postEmpty("/admin/reload");
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode why = parse(refused.body());
        assertThat(why.path("error").asText()).isEqualTo("no_channels");
        assertThat(why.path("message").asText()).contains("no enabled channel").contains("ops-hook")
                .contains("?allow-empty=true");
        assertThat(get("/channels/ops-hook").statusCode()).isEqualTo(200);
        assertThat(deliveries(acceptFor("ops-hook", "still routed after the refused reload"))).isEqualTo(1);
        assertThat(postEmpty("/admin/reload?allow-empty=perhaps").statusCode()).isEqualTo(400);

        HttpResponse<String> emptied = postEmpty("/admin/reload?allow-empty=true");
        assertThat(emptied.statusCode()).as(emptied.body()).isEqualTo(200);
        assertThat(parse(emptied.body()).path("channels")).isEmpty();
        assertThat(parse(emptied.body()).path("removed")).extracting(JsonNode::asText).contains("ops-hook");
        assertThat(deliveries(acceptFor("ops-hook", "nowhere to go"))).isZero();
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).as("still accepting alerts: not DOWN").isEqualTo(200);
        assertThat(parse(health.body()).path("components").path("channels").path("status").asText()).isEqualTo("NO_CHANNELS");
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        // @AfterEach reloads the ops channels: from none to some needs no flag
    }

    private JsonNode health() {
        return parse(get("/actuator/health").body());
    }

    private String acceptAlert(String title) {
        return acceptFor("ops-reloaded", title);
    }

    private int deliveries(String alertId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE alert_id = ?", Integer.class, alertId);
    }

    private void awaitRequest(String title) {
        await("the request of \"" + title + "\" to reach the target", () -> !WIREMOCK.findAll(
                postRequestedFor(urlPathEqualTo("/ops/reloaded")).withRequestBody(containing(title))).isEmpty());
    }

    /** alert-relay.channels is a list, so the file that overrides it repeats the ops channels. */
    private static String opsChannelsPlus(String url) {
        try (InputStream in = ReloadTest.class.getResourceAsStream("/application-ops.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing() + "\n" + EXTRA.formatted(url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
