package io.alertrelay.noise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The inhibit rules, and the firing alerts that can inhibit (their sources). Sources are rows
 * (inhibit_sources, written in the ingest transaction of the alert), so every instance knows them; each
 * instance keeps them in memory and reloads them at most every alert-relay.noise.refresh-ms.
 */
@Component
public class Inhibitions {

    private static final Logger LOG = LoggerFactory.getLogger(Inhibitions.class);
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};

    /** A firing alert that matches the source side of at least one rule. */
    public record Source(String fingerprint, String alertId, Map<String, String> attributes, Instant expiresAt) {}

    /** Which alert inhibits, under which rule (its index in alert-relay.inhibit-rules). */
    public record Inhibition(String alertId, int rule) {}

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private volatile List<InhibitRule> rules;
    private final Duration expiry;
    private final PeriodicReload periodic;
    private final boolean postgres;
    private volatile List<Source> sources = List.of();

    public Inhibitions(JdbcTemplate jdbc, ObjectMapper json, RelayProperties props) {
        this.jdbc = jdbc;
        this.json = json;
        this.expiry = props.getNoise().getInhibitSourceExpiry();
        this.periodic = new PeriodicReload(props.getNoise().getRefreshMs(), this::load);
        this.postgres = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName())
                .toLowerCase(java.util.Locale.ROOT).contains("postgres");
        this.rules = compile(props.getInhibitRules());
        if (!rules.isEmpty()) {
            reload();
        }
    }

    /** Checks and compiles alert-relay.inhibit-rules (at startup, and for a reload before anything changes). */
    public static List<InhibitRule> compile(List<NoiseConfig.InhibitRuleProperties> declared) {
        List<InhibitRule> compiled = new ArrayList<>();
        for (int i = 0; i < declared.size(); i++) {
            try {
                compiled.add(InhibitRule.of(declared.get(i), "alert-relay.inhibit-rules[" + i + "]"));
            } catch (IllegalArgumentException e) {
                throw new io.alertrelay.channel.InvalidChannelConfigException(e.getMessage());
            }
        }
        return List.copyOf(compiled);
    }

    /**
     * A reload's rules, already compiled. Sources recorded under the old rules stay until they resolve or
     * expire; the new rules decide which of them inhibit what, and which new alerts become sources.
     */
    public void replaceRules(List<InhibitRule> next) {
        boolean hadNone = rules.isEmpty();
        this.rules = List.copyOf(next);
        if (hadNone && !next.isEmpty()) {
            reload(); // sources were not read while there were no rules
        }
    }

    public List<InhibitRule> rules() {
        return rules;
    }

    /**
     * In the ingest transaction: a firing (or acknowledged) alert that matches a rule's source becomes its
     * fingerprint's source; a resolved one ends it. This instance's copy changes at once; should the
     * transaction roll back, the next reload puts the copy right again.
     */
    public void record(Alert alert, Map<String, String> attributes, Instant now) {
        List<InhibitRule> rules = this.rules;
        if (rules.isEmpty()) {
            return;
        }
        boolean source = rules.stream().anyMatch(r -> r.isSource(attributes));
        if ("resolved".equals(alert.status())) {
            if (source || sources.stream().anyMatch(s -> s.fingerprint().equals(alert.fingerprint()))) {
                jdbc.update("DELETE FROM inhibit_sources WHERE fingerprint = ?", alert.fingerprint());
                List<Source> left = new ArrayList<>(sources);
                left.removeIf(s -> s.fingerprint().equals(alert.fingerprint()));
                sources = List.copyOf(left);
            }
            return;
        }
        if (!source) {
            return;
        }
        String attrs;
        try {
            attrs = json.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise attributes", e);
        }
        Timestamp at = Timestamp.from(now);
        Timestamp expires = Timestamp.from(now.plus(expiry));
        if (postgres) {
            jdbc.update("INSERT INTO inhibit_sources (fingerprint, alert_id, attributes, updated_at, expires_at) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET alert_id = EXCLUDED.alert_id, "
                    + "attributes = EXCLUDED.attributes, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at",
                    alert.fingerprint(), alert.id(), attrs, at, expires);
        } else {
            jdbc.update("MERGE INTO inhibit_sources (fingerprint, alert_id, attributes, updated_at, expires_at) "
                    + "KEY (fingerprint) VALUES (?, ?, ?, ?, ?)", alert.fingerprint(), alert.id(), attrs, at, expires);
        }
        List<Source> next = new ArrayList<>(sources);
        next.removeIf(s -> s.fingerprint().equals(alert.fingerprint()));
        next.add(new Source(alert.fingerprint(), alert.id(), attributes, now.plus(expiry)));
        sources = List.copyOf(next);
    }

    /** The firing alert that inhibits an alert with these attributes now, if any. */
    public Optional<Inhibition> inhibiting(String fingerprint, Map<String, String> attributes, Instant now) {
        List<InhibitRule> rules = this.rules; // one set of rules for the whole decision, even during a reload
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        List<Source> known = current();
        for (int i = 0; i < rules.size(); i++) {
            InhibitRule rule = rules.get(i);
            if (!rule.isTarget(attributes)) {
                continue;
            }
            for (Source s : known) {
                if (!s.fingerprint().equals(fingerprint) && now.isBefore(s.expiresAt()) && rule.isSource(s.attributes())
                        && rule.sameEqualLabels(s.attributes(), attributes)) {
                    return Optional.of(new Inhibition(s.alertId(), i));
                }
            }
        }
        return Optional.empty();
    }

    private List<Source> current() {
        periodic.ifDue();
        return sources;
    }

    public void reload() {
        periodic.now();
    }

    private void load() {
        try {
            sources = jdbc.query("SELECT fingerprint, alert_id, attributes, expires_at FROM inhibit_sources WHERE expires_at > ?",
                    (rs, n) -> new Source(rs.getString(1), rs.getString(2), readAttributes(rs.getString(3)),
                            rs.getTimestamp(4).toInstant()), Timestamp.from(Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("Could not reload inhibit sources, keeping the {} known ones: {}", sources.size(), e.getMessage());
        }
    }

    private Map<String, String> readAttributes(String text) {
        try {
            return json.readValue(text, ATTRIBUTES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable inhibit source attributes", e);
        }
    }
}
