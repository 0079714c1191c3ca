package io.alertrelay.noise;

import io.alertrelay.RelayProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The silences table, and the silences that can still act (pending or active) in memory, so that
 * checking an alert costs no query. The copy is reloaded at most every alert-relay.noise.refresh-seconds:
 * a silence made through another instance applies here within that time, one made here at once.
 */
@Component
public class Silences {

    private static final Logger LOG = LoggerFactory.getLogger(Silences.class);

    private final JdbcTemplate jdbc;
    private final PeriodicReload periodic;
    private volatile List<Silence> live = List.of();

    public Silences(JdbcTemplate jdbc, RelayProperties props) {
        this.jdbc = jdbc;
        this.periodic = new PeriodicReload(props.getNoise().getRefreshMs(), this::load);
        reload();
    }

    public Silence create(List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Silence s = new Silence(UUID.randomUUID().toString(), List.copyOf(matchers), startsAt.truncatedTo(ChronoUnit.MILLIS),
                endsAt.truncatedTo(ChronoUnit.MILLIS), createdBy, comment, now, now);
        jdbc.update("INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s.id(), Matcher.format(s.matchers()), Timestamp.from(s.startsAt()),
                Timestamp.from(s.endsAt()), createdBy, comment, Timestamp.from(now), Timestamp.from(now));
        reload();
        return s;
    }

    /** Every silence, newest first. */
    public List<Silence> list() {
        return jdbc.query("SELECT * FROM silences ORDER BY created_at DESC, id", Silences::row);
    }

    public Optional<Silence> find(String id) {
        return jdbc.query("SELECT * FROM silences WHERE id = ?", Silences::row, id).stream().findFirst();
    }

    /**
     * Ends a silence now (a pending one never starts); an expired one stays as it was. Empty when there
     * is no such silence.
     */
    public Optional<Silence> expire(String id) {
        Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        jdbc.update("UPDATE silences SET starts_at = CASE WHEN starts_at > ? THEN ? ELSE starts_at END, ends_at = ?, "
                + "updated_at = ? WHERE id = ? AND ends_at > ?", now, now, now, now, id, now);
        reload();
        return find(id);
    }

    /** The first silence that silences an alert with these attributes now, from the in-memory copy. */
    public Optional<Silence> silencing(Map<String, String> attributes, Instant now) {
        for (Silence s : current()) {
            if (s.silences(attributes, now)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private List<Silence> current() {
        periodic.ifDue();
        return live;
    }

    /** Reads the silences that are not yet expired; on a database error keeps the known ones. */
    public void reload() {
        periodic.now();
    }

    private void load() {
        try {
            live = jdbc.query("SELECT * FROM silences WHERE ends_at > ? ORDER BY created_at, id", Silences::row,
                    Timestamp.from(Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("Could not reload silences, keeping the {} known ones: {}", live.size(), e.getMessage());
        }
    }

    private static Silence row(ResultSet rs, int n) throws SQLException {
        return new Silence(rs.getString("id"), Matcher.parse(rs.getString("matchers")), instant(rs, "starts_at"),
                instant(rs, "ends_at"), rs.getString("created_by"), rs.getString("comment"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getTimestamp(column).toInstant();
    }
}
