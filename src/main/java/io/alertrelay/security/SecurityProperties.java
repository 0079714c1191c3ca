package io.alertrelay.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code alert-relay.security.*}: API keys and the loopback-only fallback when there are none. */
@ConfigurationProperties("alert-relay.security")
public class SecurityProperties {

    /** An admin key from configuration (env ALERT_RELAY_SECURITY_BOOTSTRAP_ADMIN_KEY), for the first keys and for automation. */
    private String bootstrapAdminKey;
    /** Lets a relay without any key listen on a non-loopback address. Only for a network you trust entirely. */
    private boolean allowUnauthenticated;
    /** How stale this instance's copy of the stored keys may get; keys changed through this instance apply at once. */
    private int keyRefreshSeconds = 5;

    public String getBootstrapAdminKey() { return bootstrapAdminKey; }
    public void setBootstrapAdminKey(String bootstrapAdminKey) { this.bootstrapAdminKey = bootstrapAdminKey; }
    public boolean isAllowUnauthenticated() { return allowUnauthenticated; }
    public void setAllowUnauthenticated(boolean allowUnauthenticated) { this.allowUnauthenticated = allowUnauthenticated; }
    public int getKeyRefreshSeconds() { return keyRefreshSeconds; }
    public void setKeyRefreshSeconds(int keyRefreshSeconds) { this.keyRefreshSeconds = keyRefreshSeconds; }
}
