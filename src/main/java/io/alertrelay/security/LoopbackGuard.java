package io.alertrelay.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Without any API key the relay answers everyone it can be reached by, so it must only be reachable
 * from this host. Runs while the beans are created, before the HTTP connector binds.
 */
@Component
public class LoopbackGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackGuard.class);

    public LoopbackGuard(ApiKeys keys, SecurityProperties props, Environment env) {
        check(keys.enabled(), env.getProperty("server.address"), props.isAllowUnauthenticated());
    }

    static void check(boolean authEnabled, String address, boolean allowUnauthenticated) {
        if (authEnabled) {
            LOG.info("API keys are required on every endpoint except health");
            return;
        }
        String shown = address == null || address.isBlank() ? "(all interfaces)" : address;
        if (isLoopback(address)) {
            LOG.warn("No API key is configured: the relay accepts UNAUTHENTICATED requests, on loopback ({}) only. "
                    + "Set alert-relay.security.bootstrap-admin-key or create a key (POST /admin/keys) to require keys.", shown);
        } else if (allowUnauthenticated) {
            LOG.warn("No API key is configured and alert-relay.security.allow-unauthenticated=true: the relay accepts "
                    + "UNAUTHENTICATED requests from anyone who can reach {}", shown);
        } else {
            throw new UnsafeSecurityConfigException("Refusing to start: no API key is configured and server.address "
                    + shown + " is not a loopback address, so anyone who reaches it could send alerts and use the admin API.");
        }
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address.strip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
