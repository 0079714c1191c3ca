package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.PackagedRelay;
import io.alertrelay.support.RelayTestSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a real process with a small heap (-Xmx256m): what a sender sees while it starts
 * and stops, a burst of large bodies, and clients that stall mid-upload.
 */
class HardeningIT {

    private static final String ALERT = "{\"title\":\"hardening\"}";
    private static final String ALERTMANAGER = """
            {"version": "4", "status": "firing", "receiver": "relay", "groupLabels": {}, "commonLabels": {},
             "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
             "alerts": [{"status": "firing", "labels": {"alertname": "HighCPU"}, "annotations": {},
                         "startsAt": "2026-12-01T00:00:00Z", "fingerprint": "abc123"}]}
            """;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path log = Path.of("target", "hardening-relay.log");
    private Process relay;
    private int port;

    @TempDir
    Path workDir;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.destroyForcibly();
        }
    }

    @Test
    void noAlertIsRefusedWithA4xxWhileStartingOrStoppingAndBurstsAndStalledClientsDoNotKillIt() throws Exception {
        port = PackagedRelay.freePort();
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  channels:
                    - id: nowhere
                      kind: log
                      match:
                        labels: {deliver: "yes"}
                """.formatted(port));
        Files.deleteIfExists(log);

        // starting: poll from before the port opens until the relay accepts
        Map<String, Integer> startup = new TreeMap<>();
        relay = PackagedRelay.start(workDir, log, "-Xmx256m");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(System.nanoTime()).as("the relay to accept within 120 s").isLessThan(deadline);
            String outcome = post("/alerts", ALERT);
            startup.merge(outcome, 1, Integer::sum);
            String am = post("/alerts/alertmanager", ALERTMANAGER);
            startup.merge("alertmanager " + am, 1, Integer::sum);
            if (outcome.equals("202")) {
                break;
            }
            Thread.sleep(10);
        }
        System.out.println("answers while starting: " + startup);
        assertThat(startup.keySet()).as("answers while starting: %s", startup)
                .allMatch(o -> o.endsWith("refused") || o.endsWith("503 retry-after") || o.endsWith("202"));

        burstOfLargeBodies();
        stalledClients();

        // stopping: SIGTERM, then poll until the port closes
        Map<String, Integer> stopping = new TreeMap<>();
        relay.destroy();
        while (relay.isAlive()) {
            stopping.merge(post("/alerts", ALERT), 1, Integer::sum);
        }
        System.out.println("answers while stopping: " + stopping);
        assertThat(relay.exitValue()).isIn(0, 143);
        assertThat(stopping.keySet()).as("answers while stopping: %s", stopping)
                .allMatch(o -> o.equals("refused") || o.equals("reset") || o.equals("503 retry-after") || o.equals("202"));
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    /**
     * 100 concurrent 1 MiB alerts on a 256 MiB heap: they wait their turn for the body budget, and all
     * are stored. (Over max-concurrent a request is refused with 503, or with its connection reset when
     * its large body was not read; both are retried.)
     */
    private void burstOfLargeBodies() throws Exception {
        String big = "{\"title\":\"large\",\"message\":\"" + "m".repeat(1024 * 1024 - 100) + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> {
                    int busy = 0;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while (System.nanoTime() < until) {
                        String outcome = post("/alerts", big);
                        if (outcome.equals("202")) {
                            return busy;
                        }
                        assertThat(outcome).isIn("503 retry-after", "reset");
                        busy++;
                        Thread.sleep(200);
                    }
                    throw new AssertionError("not accepted within 120 s");
                }));
            }
            for (Future<Integer> f : results) {
                f.get(180, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(status("/actuator/health/liveness")).isEqualTo(200);
        assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    }

    /** 210 uploads that stall after their headers: health and a real sender still get answers at once. */
    private void stalledClients() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 210; i++) {
                Socket s = new Socket("127.0.0.1", port);
                OutputStream out = s.getOutputStream();
                out.write(("POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"title\":\"sl").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
                long started = System.nanoTime();
                assertThat(status(probe)).isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as(probe).isLessThan(2000);
            }
            long started = System.nanoTime();
            assertThat(post("/alerts", ALERT)).isIn("202", "503 retry-after");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2000);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        // once the stalled uploads are cut, a sender gets in again
        AtomicBoolean in = new AtomicBoolean();
        RelayTestSupport.await("a real alert to be accepted after the stall", Duration.ofSeconds(30), () -> {
            in.set(post("/alerts", ALERT).equals("202"));
            return in.get();
        });
    }

    /** "202", "503 retry-after", "refused", "reset", or the status code and the answer's body. */
    private String post(String path, String body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                return "503 retry-after";
            }
            if (r.statusCode() == 202) {
                return "202";
            }
            // the status with the relay's reason, so that an unexpected answer explains itself
            return r.statusCode() + " " + r.body();
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            // the connection closed while the request was on the wire: nothing was accepted, a sender retries
            return "reset";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
