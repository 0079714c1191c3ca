package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.support.PackagedKinds;
import io.alertrelay.store.DeliveryStore;
import io.alertrelay.store.InstanceId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two relay instances on one PostgreSQL, as their grouping sees it: alerts of one group accepted by both
 * at once make one digest, exactly one instance claims it, an alert that arrives after the claim opens
 * the group's next digest instead of joining one whose alerts were already read, and a digest whose
 * instance died is taken over with the same alerts and sent once.
 */
class GroupingOnPostgresTest {

    private static EmbeddedPostgres pg;
    private static DataSource ds;
    private static JdbcTemplate jdbc;
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** One relay instance's part in this: its claim identity, its delivery store and its grouping. */
    private record Instance(InstanceId id, DeliveryStore store, Grouping grouping, ChannelRegistry channels,
                            TransactionTemplate tx) {

        Channel channel() {
            return channels.find("pg-grouped").orElseThrow();
        }
    }

    @BeforeAll
    static void start() throws IOException {
        pg = EmbeddedPostgres.builder().start();
        ds = pg.getPostgresDatabase();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(ds);
    }

    @AfterAll
    static void stop() throws IOException {
        pg.close();
    }

    private static Instance instance() {
        RelayProperties props = new RelayProperties();
        ChannelProperties c = new ChannelProperties();
        c.setId("pg-grouped");
        c.setKind("webhook");
        c.setGroupBy(List.of("host"));
        c.setGroupWait("1h"); // nothing is due until the test says so
        c.setGroupInterval("2h");
        c.setConfig(Map.of("url", "http://localhost:9/hook"));
        props.setChannels(List.of(c));
        // the packaged webhook kind can show a digest (can-digest: true)
        ChannelRegistry channels = new ChannelRegistry(props, List.of(), List.of(PackagedKinds.only("webhook")));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        InstanceId id = new InstanceId();
        DeliveryStore store = new DeliveryStore(jdbc, tx, id, props, channels, ds);
        NoiseControl noise = new NoiseControl(new Silences(jdbc, props), new Inhibitions(jdbc, JSON, props), props, jdbc, store,
                new SimpleMeterRegistry());
        return new Instance(id, store, new Grouping(jdbc, JSON, store, noise), channels, tx);
    }

    private static Alert storedAlert(String title, String host) throws IOException {
        Alert a = new Alert(UUID.randomUUID().toString(), null, title, null, "high", "firing", "new", null, title, null, null,
                null, null, null, null, null, Map.of("host", host), null, Instant.now());
        jdbc.update("INSERT INTO alerts (id, fingerprint, title, severity, status, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                a.id(), a.fingerprint(), a.title(), a.severity(), a.status(), JSON.writeValueAsString(a), Timestamp.from(a.receivedAt()));
        return a;
    }

    /** What AlertStore does for a grouped channel: in the ingest transaction, the alert joins its group. */
    private static long accept(Instance i, Alert a) {
        return i.tx().execute(s -> {
            Channel c = i.channel();
            Instant now = Instant.now();
            return i.grouping().attach(a, c, i.grouping().group(c, Matcher.attributes(a)), Timestamp.from(now), now);
        });
    }

    private static List<Long> digests(String host) {
        return jdbc.queryForList("SELECT delivery_id FROM notification_groups WHERE group_labels LIKE ? ORDER BY delivery_id",
                Long.class, "%" + host + "%");
    }

    private static void due(long digest) {
        jdbc.update("UPDATE deliveries SET lease_until = ? WHERE id = ?", Timestamp.from(Instant.now().minusSeconds(1)), digest);
    }

    @Test
    void twoInstancesMakeOneDigestPerGroupAndExactlyOneOfThemSendsIt() throws Exception {
        Instance one = instance();
        Instance two = instance();
        String host = "db-" + UUID.randomUUID();
        List<Alert> alerts = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            alerts.add(storedAlert("alert " + n, host));
        }

        // both instances accept alerts of one new group at the same time
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Long>> accepted = new ArrayList<>();
        for (int n = 0; n < alerts.size(); n++) {
            Instance i = n % 2 == 0 ? one : two;
            Alert a = alerts.get(n);
            accepted.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return accept(i, a);
            }, pool));
        }
        go.countDown();
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        List<Long> digests = digests(host);
        assertThat(digests).as("one digest for the group").hasSize(1);
        long digest = digests.get(0);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM deliveries WHERE group_delivery_id = ? AND status = 'grouped'",
                Integer.class, digest)).isEqualTo(40);
        assertThat(one.store().claim(10, Set.of())).as("not due yet").doesNotContain(digest);

        // due: both instances claim at once; exactly one wins it
        due(digest);
        CompletableFuture<List<Long>> c1 = CompletableFuture.supplyAsync(() -> one.store().claim(10, Set.of()), pool);
        CompletableFuture<List<Long>> c2 = CompletableFuture.supplyAsync(() -> two.store().claim(10, Set.of()), pool);
        List<Long> claimedByOne = c1.get(30, TimeUnit.SECONDS);
        List<Long> claimedByTwo = c2.get(30, TimeUnit.SECONDS);
        assertThat(claimedByOne.contains(digest) ^ claimedByTwo.contains(digest)).as("claimed exactly once").isTrue();
        Instance winner = claimedByOne.contains(digest) ? one : two;
        Instance other = winner == one ? two : one;

        // an alert after the claim does not join the claimed digest: it opens the group's next one, due
        // group-interval after the first was due
        Alert late = storedAlert("late alert", host);
        accept(other, late);
        List<Long> now = digests(host);
        assertThat(now).hasSize(2);
        assertThat(jdbc.queryForObject("SELECT group_delivery_id FROM deliveries WHERE alert_id = ? AND status = 'grouped'", Long.class,
                late.id()))
                .isEqualTo(now.get(1));
        Instant firstDue = dueAt(now.get(0));
        Instant nextDue = dueAt(now.get(1));
        assertThat(Duration.between(firstDue, nextDue)).isEqualTo(Duration.ofHours(2));

        Grouping.Digest read = winner.grouping().digest(digest, group(host), winner.channel()).orElseThrow();
        assertThat(read.alerts()).hasSize(40).extracting(Alert::id)
                .containsExactlyInAnyOrderElementsOf(alerts.stream().map(Alert::id).toList());
        assertThat(read.alert().title()).isEqualTo("[FIRING:40] " + host);

        // the winner dies before sending: its lease runs out, the other takes the digest over, with the same
        // alerts, and sends it; the dead instance's late answer changes nothing
        jdbc.update("UPDATE deliveries SET lease_until = ? WHERE id = ?", Timestamp.from(Instant.now().minusSeconds(1)), digest);
        assertThat(other.store().claim(10, Set.of())).contains(digest);
        assertThat(other.grouping().digest(digest, group(host), other.channel()).orElseThrow().alerts()).hasSize(40);
        other.store().markSent(new DeliveryStore.Sent(digest, "pg-grouped", 1, 5, other.id().id(), Instant.now()));
        assertThat(winner.store().suppress(digest, "silenced", "x", winner.id().id())).isFalse();
        assertThat(jdbc.queryForObject("SELECT status FROM deliveries WHERE id = ?", String.class, digest)).isEqualTo("sent");
        assertThat(one.store().claim(10, Set.of())).doesNotContain(digest);
        assertThat(two.store().claim(10, Set.of())).doesNotContain(digest);
        pool.shutdownNow();
    }

    private static String group(String host) {
        return jdbc.queryForObject("SELECT DISTINCT group_key FROM notification_groups WHERE group_labels LIKE ?", String.class,
                "%" + host + "%");
    }

    private static Instant dueAt(long digest) {
        return jdbc.queryForObject("SELECT due_at FROM notification_groups WHERE delivery_id = ?", OffsetDateTime.class, digest)
                .toInstant();
    }
}
