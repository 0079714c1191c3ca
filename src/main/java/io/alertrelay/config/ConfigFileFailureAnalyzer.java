package io.alertrelay.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A config file with a syntax error stops startup with one line naming file, line and column. */
public class ConfigFileFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigFileException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigFileException cause) {
        return new FailureAnalysis("Cannot read the configuration: " + cause.getMessage(),
                "Fix the YAML at that line and column (indent with spaces; quote a value that holds \": \" or \" #\").",
                cause);
    }
}
