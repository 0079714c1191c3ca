package io.alertrelay.noise;

import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.store.DeliveryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Decides whether a delivery goes out now, is suppressed (silenced, inhibited, muted, or a repeat within
 * the channel's repeat-interval), or is held until a mute interval ends. Asked twice: at ingest, so that a
 * suppressed delivery costs no worker and no claim, and again by the deliver route just before sending,
 * because a silence or an inhibiting alert may have appeared while the delivery waited (Alertmanager too
 * checks silences at notification time). Checks in that order; the first that applies is recorded.
 */
@Component("noiseControl")
public class NoiseControl {

    public enum Action { SEND, SUPPRESS, HOLD }

    /** What to do with a delivery, why (silenced, inhibited, muted, held, repeat_interval, resolved_while_held) and by what. */
    public record Verdict(Action action, String reason, String ref, Instant until) {
        static final Verdict SEND = new Verdict(Action.SEND, null, null, null);

        static Verdict suppress(String reason, String ref) {
            return new Verdict(Action.SUPPRESS, reason, ref, null);
        }
    }

    private final Silences silences;
    private final Inhibitions inhibitions;
    private final Mutes mutes;
    /** The relay's clock; a test moves it to see a held delivery go out when its mute interval has ended. */
    private volatile Clock clock = Clock.systemUTC();
    private final JdbcTemplate jdbc;
    private final DeliveryStore store;
    private final MeterRegistry meters;

    public NoiseControl(Silences silences, Inhibitions inhibitions, RelayProperties props, JdbcTemplate jdbc,
                        DeliveryStore store, MeterRegistry meters) {
        this.silences = silences;
        this.inhibitions = inhibitions;
        this.jdbc = jdbc;
        this.store = store;
        this.meters = meters;
        Map<String, TimeInterval> intervals = new LinkedHashMap<>();
        for (int i = 0; i < props.getTimeIntervals().size(); i++) {
            try {
                TimeInterval t = TimeInterval.of(props.getTimeIntervals().get(i));
                if (intervals.put(t.name(), t) != null) {
                    throw new IllegalArgumentException("name: \"" + t.name() + "\" is used by another time interval");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidChannelConfigException("alert-relay.time-intervals[" + i + "]." + e.getMessage());
            }
        }
        this.mutes = new Mutes(Map.copyOf(intervals));
    }

    void useClock(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * At ingest, inside the store transaction: records the alert as an inhibit source when it is one, and
     * returns what matchers see of it, for {@link #atIngest} to decide each of its deliveries.
     */
    public Map<String, String> observe(Alert alert, Instant now) {
        Map<String, String> attributes = Matcher.attributes(alert);
        inhibitions.record(alert, attributes, now);
        return attributes;
    }

    public Verdict atIngest(Channel channel, Alert alert, Map<String, String> attributes, Instant now) {
        Verdict v = decide(channel, alert, attributes, now, Long.MAX_VALUE);
        if (v.action() == Action.SUPPRESS) {
            countAfterCommit(channel.id(), v.reason());
        }
        return v;
    }

    /** Test alerts (reason test) always go out: a channel test checks the integration, not the noise rules. */
    Verdict decide(Channel channel, Alert alert, Map<String, String> attributes, Instant now, long deliveryId) {
        if ("test".equals(alert.reason())) {
            return Verdict.SEND;
        }
        Channel.Noise n = channel.noise();
        if (n.silenceable()) {
            Optional<Silence> silence = silences.silencing(attributes, now);
            if (silence.isPresent()) {
                return Verdict.suppress("silenced", silence.get().id());
            }
            Optional<Inhibitions.Inhibition> inhibition = inhibitions.inhibiting(alert.fingerprint(), attributes, now);
            if (inhibition.isPresent()) {
                return Verdict.suppress("inhibited", inhibition.get().alertId());
            }
        }
        String mutedBy = mutes.mutedBy(n, now);
        if (mutedBy != null) {
            if (!n.holdWhenMuted()) {
                return Verdict.suppress("muted", mutedBy);
            }
            Instant until = mutes.openAgain(n, now);
            return until == null ? Verdict.suppress("muted", mutedBy) : new Verdict(Action.HOLD, "held", mutedBy, until);
        }
        if (n.repeatInterval() != null && !"regression".equals(alert.reason())) {
            Optional<String> repeated = repeatOf(channel, alert, now, deliveryId);
            if (repeated.isPresent()) {
                return Verdict.suppress("repeat_interval", repeated.get());
            }
        }
        return Verdict.SEND;
    }

    /**
     * The last notification of this fingerprint on this channel, if it said the same (same status) less
     * than repeat-interval ago: then this one is a repeat. A change of status always goes out.
     */
    private Optional<String> repeatOf(Channel channel, Alert alert, Instant now, long beforeId) {
        List<Map<String, Object>> last = jdbc.queryForList("SELECT d.id, d.sent_at, a.status FROM deliveries d "
                        + "JOIN alerts a ON a.id = d.alert_id WHERE d.channel_id = ? AND d.fingerprint = ? AND d.status = 'sent' "
                        + "AND d.id < ? ORDER BY d.id DESC FETCH FIRST 1 ROWS ONLY", channel.id(), alert.fingerprint(), beforeId);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = last.get(0);
        Instant sentAt = instant(row.get("sent_at"));
        boolean same = alert.status().equals(row.get("status"));
        if (same && sentAt != null && now.isBefore(sentAt.plus(channel.noise().repeatInterval()))) {
            return Optional.of(String.valueOf(row.get("id")));
        }
        return Optional.empty();
    }

    private static Instant instant(Object v) {
        if (v instanceof Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return null;
    }

    /**
     * The deliver route's step before flow control: a delivery that must not go out now is recorded as
     * suppressed, or given back to wait for its mute interval's end, and the route skips it (null body).
     */
    public void admit(Exchange exchange) {
        if (exchange.getMessage().getBody() == null) {
            return;
        }
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        if (ctx == null) {
            return; // the channel is gone; the kind step records that
        }
        long id = ctx.deliveryId();
        String claimedBy = exchange.getProperty("claimedBy", String.class);
        Instant now = now();
        Verdict v = decide(ctx.channel(), ctx.alert(), Matcher.attributes(ctx.alert()), now, id);
        if (v.action() == Action.SEND) {
            v = resolvedWhileHeld(ctx, id);
        }
        switch (v.action()) {
            case SEND -> {
                return;
            }
            case SUPPRESS -> {
                if (store.suppress(id, v.reason(), v.ref(), claimedBy)) {
                    count(ctx.channel().id(), v.reason());
                }
            }
            case HOLD -> store.hold(id, v.until(), v.ref(), claimedBy);
        }
        exchange.getMessage().setBody(null);
    }

    /** A held firing delivery whose alert resolved while it waited is not sent after all. */
    private Verdict resolvedWhileHeld(DeliveryContext ctx, long id) {
        Channel.Noise n = ctx.channel().noise();
        if ((n.muteTimeIntervals().isEmpty() && n.activeTimeIntervals().isEmpty()) || "resolved".equals(ctx.alert().status())
                || !"held".equals(store.suppressedReason(id))) {
            return Verdict.SEND;
        }
        List<String> resolvedBy = jdbc.queryForList("SELECT a.id FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
                + "WHERE d.channel_id = ? AND d.fingerprint = ? AND d.id > ? AND a.status = 'resolved' "
                + "ORDER BY d.id FETCH FIRST 1 ROWS ONLY", String.class, ctx.channel().id(), ctx.alert().fingerprint(), id);
        return resolvedBy.isEmpty() ? Verdict.SEND : Verdict.suppress("resolved_while_held", resolvedBy.get(0));
    }

    private void countAfterCommit(String channelId, String reason) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count(channelId, reason);
                }
            });
        } else {
            count(channelId, reason);
        }
    }

    private void count(String channelId, String reason) {
        Counter.builder("alert.relay.suppressed")
                .description("Deliveries not sent because of noise control, by channel and reason "
                        + "(silenced, inhibited, muted, repeat_interval, resolved_while_held)")
                .tag("channel", channelId).tag("reason", reason).register(meters).increment();
    }
}
