package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.PackagedRelay;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator runs it: a channel URL with a password stops startup with one line
 * that does not repeat the password, and the log kind's output cannot be split into forged lines.
 */
class SecretsAndLogsIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process relay;
    private Path log;

    @TempDir
    Path workDir;

    @AfterEach
    void stop() throws InterruptedException {
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(30, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    @Test
    void aUrlWithAPasswordStopsStartupWithOneLineNamingChannelAndField() throws Exception {
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  channels:
                    - id: ops-hook
                      kind: webhook
                      config:
                        url: https://relay:pa55-w0rd-77@hooks.example.com/in
                """.formatted(PackagedRelay.freePort()));

        relay = start("refused");

        assertThat(relay.waitFor(120, TimeUnit.SECONDS)).as("the relay exits").isTrue();
        assertThat(relay.exitValue()).isNotZero();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(out).contains("Invalid channel configuration: channel 'ops-hook': config.url must not carry a user "
                + "name or password (user:password@host)").doesNotContain("pa55-w0rd-77");
    }

    @Test
    void alertTextIsLoggedOnOneLineWithControlCharactersEscaped() throws Exception {
        int port = PackagedRelay.freePort();
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  delivery:
                    poll-interval-ms: 200
                  channels:
                    - id: console
                      kind: log
                """.formatted(port));
        relay = start("log-injection");
        String forged = "2024-05-01T10:00:00.000Z  WARN 1 --- [alert-relay] [main] i.a.security.ApiKeys : forged";
        String alert = "{\"title\":\"Disk full\\n" + forged + "\",\"message\":\"\\u001b[31mred\\u001b[0m\\r\\nlast line\"}";

        until("the relay accepts the alert", Duration.ofSeconds(90), () -> post(port, alert) == 202);
        until("the alert in the log", Duration.ofSeconds(30), () -> logged().contains("last line"));

        String out = logged();
        assertThat(out).contains("[console] [MEDIUM] Disk full\\n" + forged)
                .contains("\\u001b[31mred\\u001b[0m\\r\\nlast line").doesNotContain("\u001b");
        assertThat(Arrays.stream(out.split("\\R"))).noneMatch(line -> line.startsWith(forged));
    }

    private Process start(String name) throws IOException {
        log = Path.of("target", "secrets-and-logs-" + name + ".log").toAbsolutePath();
        Files.deleteIfExists(log);
        return PackagedRelay.start(workDir, log);
    }

    private String logged() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private int post(int port, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

}
