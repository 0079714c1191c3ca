package io.alertrelay.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The api_keys table. A key is 32 random bytes; only its SHA-256 is stored. A slow password hash
 * (bcrypt, Argon2) exists to make guessing low-entropy passwords expensive; guessing 256 random bits
 * is out of reach at any hash rate, so one fast SHA-256 is enough and keeps each request cheap.
 */
@Component
public class ApiKeyStore {

    /** Recognisable in config files and secret scanners. */
    static final String PREFIX = "ar_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;

    public ApiKeyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record StoredKey(String id, String name, Set<Scope> scopes, String hash, Instant createdAt, Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** The stored row plus the plaintext key, which exists only in this answer. */
    public record NewKey(StoredKey stored, String key) {}

    public NewKey create(String name, Set<Scope> scopes) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Arrays.fill(secret, (byte) 0);
        StoredKey row = new StoredKey(UUID.randomUUID().toString(), name, scopes, hashHex(key),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
        jdbc.update("INSERT INTO api_keys (id, name, scopes, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                row.id(), row.name(), join(scopes), row.hash(), Timestamp.from(row.createdAt()));
        return new NewKey(row, key);
    }

    public List<StoredKey> list() {
        return jdbc.query("SELECT * FROM api_keys ORDER BY created_at, id", ApiKeyStore::row);
    }

    /** @return false when there is no such key; revoking a revoked key keeps its first revocation time */
    public boolean revoke(String id) {
        jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MILLIS)), id);
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM api_keys WHERE id = ?", Integer.class, id);
        return n != null && n > 0;
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String hashHex(String key) {
        return HexFormat.of().formatHex(hash(key));
    }

    private static String join(Set<Scope> scopes) {
        return scopes.stream().map(Scope::value).sorted().collect(Collectors.joining(" "));
    }

    private static StoredKey row(ResultSet rs, int n) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : rs.getString("scopes").split(" ")) {
            Scope.of(s).ifPresent(scopes::add);
        }
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new StoredKey(rs.getString("id"), rs.getString("name"), scopes, rs.getString("key_hash"),
                rs.getTimestamp("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
