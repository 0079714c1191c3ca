package io.alertrelay.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Startup refused for a security reason: one line saying why, no stack trace. */
public class SecurityFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSecurityConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeSecurityConfigException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "See \"API keys\" in README.md: set alert-relay.security.bootstrap-admin-key "
                        + "(env ALERT_RELAY_SECURITY_BOOTSTRAP_ADMIN_KEY) or listen on 127.0.0.1.",
                cause);
    }
}
