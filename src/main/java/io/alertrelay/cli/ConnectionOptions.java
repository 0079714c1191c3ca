package io.alertrelay.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where the relay is and how to talk to it. Inherited by every command, so these options may stand
 * anywhere on the line: {@code --url U channels list} and {@code channels list --url U} both work.
 */
final class ConnectionOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT, defaultValue = DEFAULT_URL,
            description = "the relay (default: ${DEFAULT-VALUE})")
    String url;

    // no defaultValue from the environment here: help would print the key
    @Option(names = "--api-key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "API key (default: the environment variable " + RelayCli.API_KEY_ENV + ")")
    String apiKey;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the API's JSON instead of a table")
    boolean json;
}
