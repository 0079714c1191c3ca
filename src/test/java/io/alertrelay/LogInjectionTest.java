package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.RelayTestSupport;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;

/**
 * One alert cannot forge log lines nor colour the terminal: alert text (and a target's answer quoting
 * it) is logged with line breaks and escape sequences written as \n, \u001b.
 */
@ActiveProfiles({"test", "core"})
@ExtendWith(OutputCaptureExtension.class)
class LogInjectionTest extends RelayTestSupport {

    /** What the injected line pretends to be: an entry of the relay's own log. */
    static final String FORGED = "2024-05-01T10:00:00.000Z  WARN 1 --- [alert-relay] [main] i.a.security.ApiKeys : forged";

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
    }

    @Test
    void theLogKindWritesOneLineWithControlCharactersEscaped(CapturedOutput output) {
        String id = accept(Map.of("title", "Disk full\n" + FORGED, "message", "\u001b[31mred\u001b[0m\r\nsecond line",
                "labels", Map.of("route", "log-warn")));

        assertThat(awaitDelivery(id, "console-warn").get("status")).isEqualTo("sent");
        await("the log line", () -> output.getAll().contains("second line"));
        assertThat(output.getAll()).contains("[console-warn] [MEDIUM] Disk full\\n" + FORGED)
                .contains("\\u001b[31mred\\u001b[0m\\r\\nsecond line");
        assertNoForgedLine(output);
    }

    @Test
    void deliveryLogsQuotingATargetsAnswerAreEscaped(CapturedOutput output) {
        // targets quote the alert in their refusals; this one quotes a title that carries a forged line
        WIREMOCK.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"title too long: Disk full\\n" + FORGED + "\\u001b[2J\"}")));

        String id = accept(Map.of("title", "Disk full\n" + FORGED, "labels", Map.of("route", "flaky")));

        assertThat(awaitDelivery(id, "hook-flaky").get("status")).isEqualTo("dead");
        await("the failure logged", () -> output.getAll().contains("failed for good"));
        assertThat(output.getAll()).contains("title too long: Disk full\\n" + FORGED + "\\u001b[2J");
        assertNoForgedLine(output);
        // the stored failure keeps the vendor's text as it was: only the log escapes it
        assertThat((String) channelStatus("hook-flaky").get("last_failure_error_message")).contains("Disk full\n" + FORGED);
    }

    private static void assertNoForgedLine(CapturedOutput output) {
        assertThat(Arrays.stream(output.getAll().split("\\R"))).noneMatch(line -> line.startsWith(FORGED));
        assertThat(output.getAll()).doesNotContain("\u001b");
    }
}
