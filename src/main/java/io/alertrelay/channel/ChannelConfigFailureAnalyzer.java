package io.alertrelay.channel;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad channel declaration into Spring Boot's short startup report instead of a stack trace. */
public class ChannelConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidChannelConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidChannelConfigException cause) {
        return new FailureAnalysis("Invalid channel configuration: " + cause.getMessage(),
                "Fix alert-relay.channels in application.yaml (see the configuration reference in README.md).",
                cause);
    }
}
