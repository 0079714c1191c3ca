package io.alertrelay.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Per channel and fingerprint, the ticket the relay opened at the vendor, so that one fingerprint
 * never gets a second open ticket. Deliveries of one fingerprint to one channel run in order, so a
 * plain read-then-write is enough here.
 */
@Component("externalRefs")
public class ExternalRefStore {

    /** @param state kind-specific, e.g. open, closed, triggered, resolved */
    public record ExternalRef(String channelId, String fingerprint, String ref, String state, String url) {}

    private final JdbcTemplate jdbc;

    public ExternalRefStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<ExternalRef> find(String channelId, String fingerprint) {
        List<ExternalRef> rows = jdbc.query(
                "SELECT channel_id, fingerprint, ref, state, url FROM external_refs WHERE channel_id = ? AND fingerprint = ?",
                (rs, i) -> new ExternalRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                channelId, fingerprint);
        return rows.stream().findFirst();
    }

    public void save(ExternalRef ref) {
        Timestamp now = Timestamp.from(Instant.now());
        int n = jdbc.update("UPDATE external_refs SET ref = ?, state = ?, url = ?, updated_at = ? WHERE channel_id = ? AND fingerprint = ?",
                ref.ref(), ref.state(), ref.url(), now, ref.channelId(), ref.fingerprint());
        if (n == 0) {
            try {
                jdbc.update("INSERT INTO external_refs (channel_id, fingerprint, ref, state, url, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        ref.channelId(), ref.fingerprint(), ref.ref(), ref.state(), ref.url(), now);
            } catch (DuplicateKeyException raced) {
                save(ref);
            }
        }
    }
}
