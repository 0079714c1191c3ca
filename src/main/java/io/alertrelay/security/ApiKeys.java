package io.alertrelay.security;

import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Checks presented API keys against the bootstrap key and the stored ones. The stored keys are held
 * in memory, so a request costs one SHA-256 and no query; changes made through this instance apply at
 * once, changes made through another instance after at most alert-relay.security.key-refresh-seconds.
 */
@Component
public class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    /** Shorter bootstrap keys are refused at startup: this key opens everything. */
    static final int MIN_BOOTSTRAP_LENGTH = 16;

    public record Principal(String id, String name, Set<Scope> scopes) {}

    private record Entry(byte[] hash, Principal principal) {}

    private record Snapshot(List<Entry> active, boolean anyStored, long loadedAtNanos) {}

    private static final Principal BOOTSTRAP = new Principal("bootstrap", "bootstrap admin key", EnumSet.of(Scope.ADMIN));

    private final ApiKeyStore store;
    private final byte[] bootstrapHash;
    private final long refreshNanos;
    private volatile Snapshot snapshot;

    public ApiKeys(ApiKeyStore store, SecurityProperties props) {
        this.store = store;
        String bootstrap = props.getBootstrapAdminKey();
        if (bootstrap != null && !bootstrap.isBlank() && bootstrap.strip().length() < MIN_BOOTSTRAP_LENGTH) {
            throw new UnsafeSecurityConfigException("alert-relay.security.bootstrap-admin-key is shorter than "
                    + MIN_BOOTSTRAP_LENGTH + " characters; use a long random value (e.g. openssl rand -base64 32)");
        }
        this.bootstrapHash = bootstrap == null || bootstrap.isBlank() ? null : ApiKeyStore.hash(bootstrap.strip());
        this.refreshNanos = TimeUnit.SECONDS.toNanos(Math.max(0, props.getKeyRefreshSeconds()));
        this.snapshot = load();
    }

    /**
     * Auth is on once any key exists: the bootstrap key, or a stored key, even a revoked one; revoking
     * every key must lock the relay, not open it.
     */
    public boolean enabled() {
        return bootstrapHash != null || current().anyStored();
    }

    public Optional<Principal> authenticate(String presented) {
        byte[] presentedHash = ApiKeyStore.hash(presented);
        Principal found = null;
        // every candidate is compared in constant time and the loop never stops early, so the answer's
        // timing tells nothing about how close a guess came
        if (bootstrapHash != null && MessageDigest.isEqual(bootstrapHash, presentedHash)) {
            found = BOOTSTRAP;
        }
        for (Entry e : current().active()) {
            if (MessageDigest.isEqual(e.hash(), presentedHash)) {
                found = e.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    public ApiKeyStore.NewKey create(String name, Set<Scope> scopes) {
        ApiKeyStore.NewKey created = store.create(name, scopes);
        refresh();
        LOG.info("API key '{}' ({}) created with scopes {}", name, created.stored().id(), scopes);
        return created;
    }

    public boolean revoke(String id) {
        boolean known = store.revoke(id);
        refresh();
        if (known) {
            LOG.info("API key {} revoked", id);
        }
        return known;
    }

    public List<ApiKeyStore.StoredKey> list() {
        return store.list();
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (System.nanoTime() - s.loadedAtNanos() >= refreshNanos) {
            synchronized (this) {
                if (snapshot == s) {
                    refresh();
                }
            }
            s = snapshot;
        }
        return s;
    }

    private synchronized void refresh() {
        try {
            snapshot = load();
        } catch (RuntimeException e) {
            // the database is away: keep the keys we know, and try again after the next interval
            Snapshot old = snapshot;
            snapshot = new Snapshot(old.active(), old.anyStored(), System.nanoTime());
            LOG.warn("Could not reload API keys, keeping the {} known ones: {}", old.active().size(), e.getMessage());
        }
    }

    private Snapshot load() {
        List<ApiKeyStore.StoredKey> all = store.list();
        List<Entry> active = all.stream().filter(ApiKeyStore.StoredKey::active)
                .map(k -> new Entry(HexFormat.of().parseHex(k.hash()), new Principal(k.id(), k.name(), k.scopes())))
                .toList();
        return new Snapshot(active, !all.isEmpty(), System.nanoTime());
    }
}
