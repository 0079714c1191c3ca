package io.alertrelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged jar as a process, for the *IT tests that need a real process (kill, restart, heap). */
public final class PackagedRelay {

    private PackagedRelay() {
    }

    /** Starts the jar in {@code workDir} (its ./application.yaml applies), appending its output to {@code log}. */
    public static Process start(Path workDir, Path log, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmArgs));
        command.add("-jar");
        command.add(Path.of(System.getProperty("relay.jar", "target/alert-relay.jar")).toAbsolutePath().toString());
        return new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile()))
                .start();
    }

    /**
     * Waits until the relay on {@code port} is ready (every route started, the database answering): the
     * ingest routes may start a moment after other routes already answer.
     */
    public static void awaitReady(Process relay, int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        RelayTestSupport.await("the relay on port " + port + " to be ready", Duration.ofSeconds(90), () -> {
            if (!relay.isAlive()) {
                throw new AssertionError("the relay exited with " + relay.exitValue() + " while starting");
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException | InterruptedException notYet) {
                return false;
            }
        });
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
