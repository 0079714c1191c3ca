package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.alert.Alert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager's matcher syntax (pkg/labels) and its rules: whole-value regexes, a missing label is "". */
class MatcherTest {

    private static final Map<String, String> DISK = Map.of("env", "prod", "alertname", "DiskFull", "severity", "high");

    @Test
    void parsesTheFourOperatorsWithAndWithoutBracesAndQuotes() {
        List<Matcher> m = Matcher.parse("{env=\"prod\", alertname=~\"Disk.*\", severity!=\"info\", team!~\"db|web\"}");
        assertThat(m).extracting(Matcher::op)
                .containsExactly(Matcher.Op.EQ, Matcher.Op.RE, Matcher.Op.NEQ, Matcher.Op.NRE);
        assertThat(Matcher.all(m, DISK)).isTrue();
        assertThat(Matcher.parse("env=prod,alertname=DiskFull")).hasSize(2)
                .allSatisfy(x -> assertThat(x.matches(DISK)).isTrue());
        assertThat(Matcher.parse("msg=\"a, \\\"quoted\\\" value\"").get(0).value()).isEqualTo("a, \"quoted\" value");
        assertThat(Matcher.format(m)).isEqualTo("{env=\"prod\", alertname=~\"Disk.*\", severity!=\"info\", team!~\"db|web\"}");
        assertThat(Matcher.format(Matcher.parse(Matcher.format(m)))).isEqualTo(Matcher.format(m));
    }

    @Test
    void aRegexMustMatchTheWholeValueAndAMissingLabelIsEmpty() {
        assertThat(Matcher.parse("alertname=~\"Disk\"").get(0).matches(DISK)).isFalse();
        assertThat(Matcher.parse("alertname=~\"Disk.*\"").get(0).matches(DISK)).isTrue();
        assertThat(Matcher.parse("team=\"\"").get(0).matches(DISK)).isTrue();
        assertThat(Matcher.parse("team!=\"db\"").get(0).matches(DISK)).isTrue();
        assertThat(Matcher.parse("team=~\".+\"").get(0).matches(DISK)).isFalse();
    }

    @Test
    void badMatchersAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> Matcher.parse("env")).hasMessageContaining("not a matcher: \"env\"");
        assertThatThrownBy(() -> Matcher.parse("alertname=~\"(\"")).hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> Matcher.parse("{env=\"prod\"")).hasMessageContaining("closing '}'");
        assertThatThrownBy(() -> Matcher.parse("env=\"prod")).hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> Matcher.parse("  ")).hasMessageContaining("no matchers");
    }

    @Test
    void anAlertsFieldsWinOverItsLabelsAndAlertnameFallsBackToTheTitle() {
        Alert a = new Alert("id", null, "Disk full on db1", null, "critical", "firing", "new", "error", "fp", "prom", "shop",
                null, null, null, null, null, Map.of("severity", "warning", "env", "prod"), null, null);
        Map<String, String> attrs = Matcher.attributes(a);
        assertThat(attrs).containsEntry("severity", "critical").containsEntry("env", "prod")
                .containsEntry("alertname", "Disk full on db1").containsEntry("project", "shop")
                .containsEntry("fingerprint", "fp").containsEntry("title", "Disk full on db1");
        Alert fromAlertmanager = new Alert("id", null, "Disk is full", null, "high", "firing", "new", null, "fp", null, null,
                null, null, null, null, null, Map.of("alertname", "DiskFull"), null, null);
        assertThat(Matcher.attributes(fromAlertmanager)).containsEntry("alertname", "DiskFull");
    }
}
