package io.alertrelay.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import io.alertrelay.RelayProperties;
import java.util.List;
import java.util.Map;
import io.alertrelay.noise.Grouping;
import io.alertrelay.noise.Matcher;
import io.alertrelay.noise.NoiseControl;
import java.util.SortedSet;
import java.util.TreeSet;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.concurrent.locks.ReentrantLock;
import io.alertrelay.delivery.DeliveryQueue;
import jakarta.annotation.PreDestroy;
import org.springframework.context.annotation.Lazy;
import java.util.function.Function;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores accepted alerts with one pending delivery per matching channel, in one transaction, so the
 * 202 that follows the commit is a promise the relay can keep after any crash.
 */
@Component
public class AlertStore {

    /** Lock stripes for channel+fingerprint keys; a batch takes its stripes in ascending order. */
    private static final int STRIPES = 256;
    /**
     * Time-ordered UUIDs: every new alert id sorts after the last, so an insert touches the end of the id
     * index (and of the index H2 keeps for the deliveries.alert_id foreign key) instead of a random page,
     * and a commit writes fewer pages.
     */
    private static final TimeBasedEpochGenerator ALERT_IDS = Generators.timeBasedEpochGenerator();
    /** Namespace of this relay's PostgreSQL advisory locks. */
    public static final int ADVISORY_NAMESPACE = 0x41524c59;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final ChannelRegistry channels;
    private final DeliveryStore deliveries;
    private final InstanceId instance;
    private final RelayProperties props;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final DeliveryQueue queue;
    private final GroupCommit<List<Alert>, List<Accepted>> commits;
    private final NoiseControl noise;
    private final Grouping grouping;

    public AlertStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper json, ChannelRegistry channels,
                      DeliveryStore deliveries, InstanceId instance, RelayProperties props,
                      @Lazy DeliveryQueue queue, NoiseControl noise, Grouping grouping) {
        this.noise = noise;
        this.grouping = grouping;
        this.jdbc = jdbc;
        this.tx = deliveries.isPostgres() ? GroupCommit.bounded(tx) : tx;
        this.json = json;
        this.channels = channels;
        this.deliveries = deliveries;
        this.instance = instance;
        this.props = props;
        this.queue = queue;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.commits = new GroupCommit<>("ingest-commit", 10_000, 64, 4_000, this::storeTogether, this::storeAlone);
    }

    /**
     * What was stored for one alert: its id, its pending deliveries, those among them already claimed by
     * this instance (the first pending delivery of their channel and fingerprint, while the workers'
     * queue had room), which go straight to the workers without a claim pass or a database read, the
     * channel+fingerprint keys of deliveries that wait behind an earlier one, and whether any delivery
     * was left for a claim pass because the queue was full.
     */
    public record Accepted(String alertId, boolean duplicate, List<Long> deliveryIds, List<FreshDelivery> claimed,
                           List<String> waiting, boolean overflow) {

        static Accepted duplicateOf(String alertId) {
            return new Accepted(alertId, true, List.of(), List.of(), List.of(), false);
        }
    }

    /**
     * A delivery claimed in the ingest transaction, with what its worker needs to send it; the alert is
     * null when it is too large to keep in memory while queued.
     */
    public record FreshDelivery(long id, String channelId, Alert alert, Instant createdAt) {}

    /** Alerts up to this size travel with their delivery through the queue; larger ones are read by the worker. */
    static final int CARRY_MAX_CHARS = 16 * 1024;

    /**
     * Stores the alerts of one request, all or nothing, and returns after the commit. Concurrent requests
     * share a commit (see {@link GroupCommit}).
     */
    public List<Accepted> store(List<Alert> alerts) {
        return commits.write(alerts);
    }

    private List<Accepted> storeAlone(List<Alert> alerts) {
        try {
            return storeAll(alerts);
        } catch (DuplicateKeyException raced) {
            // a concurrent request with the same client id committed first; PostgreSQL has aborted this
            // transaction, so run it again: the duplicate is now found by its client id and reported
            return storeAll(alerts);
        }
    }

    private List<List<Accepted>> storeTogether(List<List<Alert>> requests) {
        List<Alert> all = new ArrayList<>();
        requests.forEach(all::addAll);
        List<Accepted> stored = storeAll(all);
        List<List<Accepted>> out = new ArrayList<>(requests.size());
        int from = 0;
        for (List<Alert> r : requests) {
            out.add(stored.subList(from, from + r.size()));
            from += r.size();
        }
        return out;
    }

    @PreDestroy
    void stop() {
        commits.stop();
    }

    private List<Accepted> storeAll(List<Alert> alerts) {
        return storeAll(alerts, channels::matching);
    }

    /**
     * Stores an alert with one delivery to the given channel only, whatever its match rule says: how a
     * test alert reaches exactly the channel under test.
     */
    public Accepted storeFor(Alert alert, Channel channel) {
        return storeAll(List.of(alert), a -> List.of(channel)).get(0);
    }

    /**
     * A delivery is claimed at once only if no other delivery of its channel and fingerprint is pending,
     * so per-fingerprint order holds. Two requests for the same fingerprint must not both decide so:
     * the batch holds the lock stripes of its keys (and, on PostgreSQL, the matching advisory locks, for
     * other instances) until its transaction has committed.
     */
    private List<Accepted> storeAll(List<Alert> alerts, Function<Alert, List<Channel>> targets) {
        // a list, not a map keyed by alert: two equal alerts in one request are two alerts
        List<List<Channel>> planned = new ArrayList<>(alerts.size());
        // per alert, the group it joins on each grouped channel (by channel id); its lock is taken as well
        List<Map<String, Grouping.Group>> groups = new ArrayList<>(alerts.size());
        SortedSet<Integer> keys = new TreeSet<>();
        for (Alert a : alerts) {
            List<Channel> to = targets.apply(a);
            planned.add(to);
            Map<String, Grouping.Group> groupOf = Map.of();
            for (Channel c : to) {
                keys.add(stripe(c.id(), a.fingerprint()));
                if (Grouping.groups(c, a)) {
                    if (groupOf.isEmpty()) {
                        groupOf = new java.util.HashMap<>();
                    }
                    Grouping.Group g = grouping.group(c, Matcher.attributes(a));
                    groupOf.put(c.id(), g);
                    keys.add(stripe(c.id(), g.fingerprint()));
                }
            }
            groups.add(groupOf);
        }
        List<ReentrantLock> held = new ArrayList<>(keys.size());
        try {
            for (int k : keys) {
                stripes[k].lock();
                held.add(stripes[k]);
            }
            return tx.execute(status -> {
                if (deliveries.isPostgres()) {
                    for (int k : keys) {
                        jdbc.queryForList("SELECT pg_advisory_xact_lock(?, ?)", ADVISORY_NAMESPACE, k);
                    }
                }
                List<Accepted> out = new ArrayList<>(alerts.size());
                // claim no more than the workers' queue can take now; the rest waits for a claim pass
                int[] budget = {queue.claimBudget()};
                for (int i = 0; i < alerts.size(); i++) {
                    out.add(storeOne(alerts.get(i), planned.get(i), groups.get(i), budget));
                }
                return out;
            });
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }

    /** The lock stripe (and, on PostgreSQL, advisory lock) of a channel and fingerprint or group key. */
    public static int stripe(String channelId, String fingerprint) {
        return Math.floorMod((channelId + "\u0000" + fingerprint).hashCode(), STRIPES);
    }

    private Accepted storeOne(Alert incoming, List<Channel> targets, Map<String, Grouping.Group> groups, int[] claimBudget) {
        if (incoming.clientId() != null) {
            List<String> existing = jdbc.queryForList("SELECT id FROM alerts WHERE client_id = ?", String.class,
                    incoming.clientId());
            if (!existing.isEmpty()) {
                return Accepted.duplicateOf(existing.get(0));
            }
        }
        Instant now = Instant.now();
        Alert alert = incoming.withId(ALERT_IDS.generate().toString(), now);
        String body;
        try {
            body = json.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise alert", e);
        }
        Timestamp ts = Timestamp.from(now);
        jdbc.update("INSERT INTO alerts (id, client_id, fingerprint, title, severity, status, source, body, received_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                alert.id(), alert.clientId(), alert.fingerprint(), alert.title(), alert.severity(), alert.status(),
                alert.source(), body, ts);
        // silences, inhibitions, mutes and repeats decided now cost no worker and no claim later
        Map<String, String> attributes = noise.observe(alert, now);
        List<Long> ids = new ArrayList<>();
        List<FreshDelivery> claimed = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        boolean overflow = false;
        Timestamp lease = Timestamp.from(now.plusSeconds(props.getDelivery().getLeaseSeconds()));
        for (Channel c : targets) {
            NoiseControl.Verdict verdict = noise.atIngest(c, alert, attributes, now);
            Grouping.Group group = groups.get(c.id());
            // a muted grouped channel holds the group's digest, not each alert (see NoiseControl.admit)
            if (group != null && verdict.action() != NoiseControl.Action.SUPPRESS) {
                ids.add(grouping.attach(alert, c, group, ts, now));
                continue;
            }
            if (verdict.action() != NoiseControl.Action.SEND) {
                ids.add(insertQuiet(alert, c, verdict, ts));
                continue;
            }
            boolean behind = deliveries.hasPending(c.id(), alert.fingerprint(), -1);
            boolean first = !behind && claimBudget[0] > 0;
            if (behind) {
                waiting.add(DeliveryQueue.key(c.id(), alert.fingerprint()));
            } else if (first) {
                claimBudget[0]--;
            } else {
                overflow = true;
            }
            GeneratedKeyHolder key = new GeneratedKeyHolder();
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement(
                        "INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, attempts, claimed_by, lease_until, "
                                + "created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)", new String[] {"id"});
                ps.setString(1, alert.id());
                ps.setString(2, c.id());
                ps.setString(3, alert.fingerprint());
                ps.setString(4, first ? instance.id() : null);
                ps.setTimestamp(5, first ? lease : null);
                ps.setTimestamp(6, ts);
                ps.setTimestamp(7, ts);
                return ps;
            }, key);
            long id = key.getKey().longValue();
            ids.add(id);
            if (first) {
                // a large alert stays in the database until its worker loads it: the queue holds
                // queue-size deliveries, and that must not mean queue-size megabyte-sized alerts
                claimed.add(new FreshDelivery(id, c.id(), body.length() <= CARRY_MAX_CHARS ? alert : null, now));
            }
        }
        return new Accepted(alert.id(), false, ids, claimed, waiting, overflow);
    }

    /** A delivery noise control stopped at ingest (suppressed), or holds until its channel's mute ends (pending). */
    private long insertQuiet(Alert alert, Channel c, NoiseControl.Verdict verdict, Timestamp ts) {
        boolean held = verdict.action() == NoiseControl.Action.HOLD;
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO deliveries (alert_id, channel_id, fingerprint, status, "
                    + "attempts, lease_until, suppressed_reason, suppressed_ref, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", new String[] {"id"});
            ps.setString(1, alert.id());
            ps.setString(2, c.id());
            ps.setString(3, alert.fingerprint());
            ps.setString(4, held ? "pending" : "suppressed");
            ps.setTimestamp(5, held ? Timestamp.from(verdict.until()) : null);
            ps.setString(6, verdict.reason());
            ps.setString(7, verdict.ref());
            ps.setTimestamp(8, ts);
            ps.setTimestamp(9, ts);
            return ps;
        }, key);
        return key.getKey().longValue();
    }

}
