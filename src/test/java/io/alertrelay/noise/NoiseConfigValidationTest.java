package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.support.PackagedKinds;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Noise settings that cannot work stop startup with one line naming the setting, like channel mistakes. */
class NoiseConfigValidationTest {

    private static RelayProperties withInterval(String name) {
        RelayProperties props = new RelayProperties();
        NoiseConfig.TimeIntervalProperties t = new NoiseConfig.TimeIntervalProperties();
        t.setName(name);
        props.setTimeIntervals(List.of(t));
        return props;
    }

    private static Map<String, Channel> channel(RelayProperties props, Consumer<ChannelProperties> change) {
        ChannelProperties c = new ChannelProperties();
        c.setId("ops-hook");
        c.setKind("webhook");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("url", "https://hooks.example.com/in");
        c.setConfig(config);
        change.accept(c);
        return new ChannelRegistry(props, List.of(), List.of(PackagedKinds.only("webhook"))).validate(List.of(c));
    }

    @Test
    void aChannelsNoiseSettingsAreReadAndChecked() {
        Channel c = channel(withInterval("nights"), p -> {
            p.setMuteTimeIntervals(List.of("nights"));
            p.setWhenMuted("hold");
            p.setRepeatInterval("4h");
            p.setSilenceable(false);
        }).get("ops-hook");
        assertThat(c.noise()).isEqualTo(new Channel.Noise(false, List.of("nights"), List.of(), true, Duration.ofHours(4)));

        assertThatThrownBy(() -> channel(withInterval("nights"), p -> p.setMuteTimeIntervals(List.of("weekend"))))
                .isInstanceOf(InvalidChannelConfigException.class)
                .hasMessage("channel 'ops-hook': mute-time-intervals names an unknown time interval \"weekend\" "
                        + "(defined: nights; see alert-relay.time-intervals)");
        assertThatThrownBy(() -> channel(withInterval("nights"), p -> p.setWhenMuted("queue")))
                .hasMessageContaining("when-muted must be drop or hold, got \"queue\"");
        assertThatThrownBy(() -> channel(withInterval("nights"), p -> p.setRepeatInterval("often")))
                .hasMessageContaining("repeat-interval must be a duration such as 30m, 4h or 1d, got \"often\"");
    }

    @Test
    void groupingIsReadWithAlertmanagersDefaultsAndChecked() {
        Channel c = channel(new RelayProperties(), p -> p.setGroupBy(List.of("alertname", "host"))).get("ops-hook");
        assertThat(c.noise().grouping())
                .isEqualTo(new Channel.Grouping(List.of("alertname", "host"), Duration.ofSeconds(30), Duration.ofMinutes(5)));
        Channel quick = channel(new RelayProperties(), p -> {
            p.setGroupBy(List.of("host"));
            p.setGroupWait("0s");
            p.setGroupInterval("1m");
        }).get("ops-hook");
        assertThat(quick.noise().grouping()).isEqualTo(new Channel.Grouping(List.of("host"), Duration.ZERO, Duration.ofMinutes(1)));
        assertThat(channel(new RelayProperties(), p -> {}).get("ops-hook").noise().grouping()).isNull();

        assertThatThrownBy(() -> channel(new RelayProperties(), p -> p.setGroupWait("10s")))
                .isInstanceOf(InvalidChannelConfigException.class)
                .hasMessage("channel 'ops-hook': group-wait needs group-by (the labels or fields whose values make a group)");
        assertThatThrownBy(() -> channel(new RelayProperties(), p -> {
            p.setGroupBy(List.of("host"));
            p.setGroupInterval("soon");
        })).hasMessage("channel 'ops-hook': group-interval must be a duration such as 30s, 5m or 1h, got \"soon\"");
        assertThatThrownBy(() -> channel(new RelayProperties(), p -> {
            p.setGroupBy(List.of("host"));
            p.setGroupInterval("0s");
        })).hasMessage("channel 'ops-hook': group-interval must be positive, got \"0s\"");
        assertThatThrownBy(() -> channel(new RelayProperties(), p -> p.setGroupBy(List.of(" "))))
                .hasMessage("channel 'ops-hook': group-by must list label or field names, got an empty one");
    }

    @Test
    void badInhibitRulesAndTimeIntervalsAreRefusedAtStartup() {
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:h2:mem:noise-config;DB_CLOSE_DELAY=-1", "sa", ""));
        RelayProperties rules = new RelayProperties();
        NoiseConfig.InhibitRuleProperties rule = new NoiseConfig.InhibitRuleProperties();
        rule.setSourceMatchers(List.of("alertname=~\"(\""));
        rule.setTargetMatchers(List.of("severity=warning"));
        rules.setInhibitRules(List.of(rule));
        assertThatThrownBy(() -> new Inhibitions(jdbc, new ObjectMapper(), rules))
                .isInstanceOf(InvalidChannelConfigException.class)
                .hasMessageStartingWith("alert-relay.inhibit-rules[0].source-matchers[0]: invalid regular expression");

        rule.setSourceMatchers(List.of());
        assertThatThrownBy(() -> new Inhibitions(jdbc, new ObjectMapper(), rules))
                .hasMessageContaining("source-matchers and target-matchers are both required");

        NoiseConfig.Spec spec = new NoiseConfig.Spec();
        spec.setMonths(List.of("smarch"));
        NoiseConfig.TimeIntervalProperties t = new NoiseConfig.TimeIntervalProperties();
        t.setName("odd");
        t.setTimeIntervals(List.of(spec));
        RelayProperties intervals = new RelayProperties();
        intervals.setTimeIntervals(List.of(t));
        assertThatThrownBy(() -> new NoiseControl(null, null, intervals, jdbc, null, null))
                .isInstanceOf(InvalidChannelConfigException.class)
                .hasMessage("alert-relay.time-intervals[0].time-intervals[0].months[0]: unknown month \"smarch\"");
    }
}
