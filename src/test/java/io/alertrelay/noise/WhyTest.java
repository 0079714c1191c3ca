package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.cli.RelayCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** "Why was I not notified?": GET /alerts/{id} and the CLI's alerts why and silences commands. */
class WhyTest extends NoiseTestSupport {

    record Run(int exit, String out, String err) {}

    private String run;

    @BeforeEach
    void setUp() {
        WIREMOCK.resetAll();
        answer("/noise/silence", 204);
        answer("/noise/audit", 204);
        run = UUID.randomUUID().toString();
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=http://127.0.0.1:" + port);
        int exit = RelayCli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theAnswerNamesPerChannelTheSilenceTheDeliveryAndTheFailedMatchCondition() {
        Run added = cli("silences", "add", "run=" + run, "alertname=~Disk.*", "--duration", "1h",
                "--comment", "db maintenance", "--author", "carol");
        assertThat(added.exit()).as("%s", added).isZero();
        assertThat(added.out()).startsWith("silence ").contains("active", "run=\"" + run + "\"");
        String silenceId = added.out().split(" ")[1];

        String id = accept(Map.of("title", "Disk full on db1", "fingerprint", "why-" + run,
                "labels", Map.of("feature", "silence", "run", run)));
        awaitDelivery(id, "noise-silence");
        awaitDelivery(id, "noise-audit");

        HttpResponse<String> r = get("/alerts/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode why = parse(r.body());
        assertThat(why.path("title").asText()).isEqualTo("Disk full on db1");
        JsonNode silenced = NoiseRulesTest.channel(why, "noise-silence");
        assertThat(silenced.path("matched").asBoolean()).isTrue();
        assertThat(silenced.path("outcome").asText()).isEqualTo("silenced");
        assertThat(silenced.path("silence").asText()).isEqualTo(silenceId);
        assertThat(silenced.path("why").asText()).contains("silenced by silence " + silenceId, "carol", "db maintenance");
        JsonNode audit = NoiseRulesTest.channel(why, "noise-audit");
        assertThat(audit.path("outcome").asText()).isEqualTo("delivered");
        assertThat(audit.path("delivery").path("sentAt").asText()).isNotEmpty();
        JsonNode picky = NoiseRulesTest.channel(why, "noise-picky");
        assertThat(picky.path("matched").asBoolean()).isFalse();
        assertThat(picky.path("failedCondition").asText()).isEqualTo("min-severity: medium is below high");
        assertThat(NoiseRulesTest.channel(why, "noise-repeat").path("failedCondition").asText())
                .isEqualTo("labels.feature: \"silence\" is not \"repeat\"");

        Run table = cli("alerts", "why", id);
        assertThat(table.exit()).as("%s", table).isZero();
        assertThat(table.out()).contains("Disk full on db1").contains("CHANNEL", "OUTCOME", "WHY")
                .contains("silenced by silence " + silenceId).contains("min-severity: medium is below high");

        Run listed = cli("silences", "list", "--state", "active");
        assertThat(listed.out()).contains(silenceId, "carol", "db maintenance");
        Run expired = cli("silences", "expire", silenceId);
        assertThat(expired.exit()).isZero();
        assertThat(expired.out()).contains("silence " + silenceId + " is expired");
        assertThat(cli("silences", "list", "--state", "active").out()).doesNotContain(silenceId);
    }

    @Test
    void anUnknownAlertIsA404WithTheJsonErrorShape() {
        HttpResponse<String> r = get("/alerts/no-such-alert");
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo("not_found");
        assertThat(body.path("message").asText()).contains("no-such-alert");

        Run cli = cli("alerts", "why", "no-such-alert");
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err()).contains("HTTP 404", "no alert with id 'no-such-alert'");
        Run usage = cli("silences", "add", "env=prod", "--duration", "1h");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--comment");
    }
}
