package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.support.RelayTestSupport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two relay instances on one PostgreSQL, as their silence and inhibit-source caches see it: what one
 * writes, the other applies within its refresh interval (the migrations and upserts on PostgreSQL too).
 */
class NoiseOnPostgresTest {

    private static EmbeddedPostgres pg;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() throws IOException {
        pg = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(pg.getPostgresDatabase()).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(pg.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws IOException {
        pg.close();
    }

    private static RelayProperties props() {
        RelayProperties p = new RelayProperties();
        p.getNoise().setRefreshMs(100);
        NoiseConfig.InhibitRuleProperties rule = new NoiseConfig.InhibitRuleProperties();
        rule.setSourceMatchers(List.of("alertname=HostDown"));
        rule.setTargetMatchers(List.of("alertname!=HostDown"));
        rule.setEqual(List.of("host"));
        p.setInhibitRules(List.of(rule));
        return p;
    }

    private static Alert alert(String id, String title, String status, String host) {
        return new Alert(id, null, title, null, "critical", status, "new", null, title + "-" + host, null, null, null, null,
                null, null, null, Map.of("host", host), null, Instant.now());
    }

    @Test
    void aSilenceMadeThroughOneInstanceSilencesOnTheOther() {
        Silences one = new Silences(jdbc, props());
        Silences two = new Silences(jdbc, props());
        Map<String, String> attrs = Map.of("env", "prod", "alertname", "DiskFull");
        Silence s = one.create(Matcher.parse("{env=\"prod\", alertname=~\"Disk.*\"}"), Instant.now(),
                Instant.now().plus(1, ChronoUnit.HOURS), "alice", "maintenance");
        assertThat(one.silencing(attrs, Instant.now()).map(Silence::id)).contains(s.id());
        RelayTestSupport.await("instance two to see the silence", () -> two.silencing(attrs, Instant.now()).isPresent());
        one.expire(s.id());
        RelayTestSupport.await("instance two to see the expiry", () -> two.silencing(attrs, Instant.now()).isEmpty());
        assertThat(two.find(s.id()).orElseThrow().state(Instant.now())).isEqualTo("expired");
    }

    @Test
    void aSourceFiringOnOneInstanceInhibitsOnTheOtherUntilItResolves() {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        Inhibitions one = new Inhibitions(jdbc, json, props());
        Inhibitions two = new Inhibitions(jdbc, json, props());
        Alert down = alert("a-1", "HostDown", "firing", "pg1");
        Map<String, String> target = Map.of("alertname", "DiskFull", "host", "pg1");

        one.record(down, Matcher.attributes(down), Instant.now());
        // fired again: the row is updated in place (ON CONFLICT), not duplicated
        Alert again = alert("a-2", "HostDown", "firing", "pg1");
        one.record(again, Matcher.attributes(again), Instant.now());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inhibit_sources", Integer.class)).isEqualTo(1);
        RelayTestSupport.await("instance two to see the source", () -> two.inhibiting("disk-pg1", target, Instant.now())
                .map(i -> i.alertId().equals("a-2")).orElse(false));
        assertThat(two.inhibiting("disk-pg2", Map.of("alertname", "DiskFull", "host", "pg2"), Instant.now())).isEmpty();

        Alert up = alert("a-3", "HostDown", "resolved", "pg1");
        one.record(up, Matcher.attributes(up), Instant.now());
        RelayTestSupport.await("instance two to see the source end", () -> two.inhibiting("disk-pg1", target, Instant.now())
                .isEmpty());
    }
}
