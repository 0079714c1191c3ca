package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.ingest.IngestGate;
import io.alertrelay.support.RelayTestSupport;
import io.alertrelay.web.BodyBudget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;

/**
 * Limits that act before a body is read: encodings, declared and inflated sizes, stalled uploads, the
 * memory budget, the start and stop window, and the same limits on the API's bodies.
 */
@ActiveProfiles({"test", "core"})
class RequestLimitsTest extends RelayTestSupport {

    @Autowired
    IngestGate gate;

    @Autowired
    BodyBudget budget;

    @Autowired
    CamelContext camel;

    @Autowired
    io.alertrelay.ingest.IngestEndpoint ingest;

    private long alertCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM alerts", Long.class);
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private JsonNode answer(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).doesNotContain("Exception");
        return parse(r.body());
    }

    @Test
    void aGzipBodyIsInflatedAndAccepted() throws IOException {
        byte[] alert = "{\"title\":\"compressed alert\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = post("/alerts", Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
                gzip(alert));
        String id = answer(r, 202).path("ids").get(0).asText();
        assertThat(jdbc.queryForObject("SELECT title FROM alerts WHERE id = ?", String.class, id)).isEqualTo("compressed alert");
    }

    @Test
    void aGzipBombIs413AfterInflatingOnlyTheLimit() throws IOException {
        long before = alertCount();
        // 64 MiB of one repeated byte inflate from about 64 KB: the limit counts inflated bytes
        byte[] bomb;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write("{\"title\":\"t\",\"message\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1024 * 1024];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 64; i++) {
                z.write(block);
            }
        }
        bomb = out.toByteArray();
        assertThat(bomb.length).isLessThan(1024 * 1024);
        JsonNode body = answer(post("/alerts", Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), bomb), 413);
        assertThat(body.path("error").asText()).isEqualTo("payload_too_large");
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void aBodyMarkedGzipThatIsNotIs400AndAnUnknownEncodingIs415() {
        byte[] plain = "{\"title\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        JsonNode notGzip = answer(post("/alerts", Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), plain), 400);
        assertThat(notGzip.path("error").asText()).isEqualTo("unreadable_body");
        JsonNode br = answer(post("/alerts", Map.of("Content-Type", "application/json", "Content-Encoding", "br"), plain), 415);
        assertThat(br.path("errors").get(0).path("field").asText()).isEqualTo("Content-Encoding");
    }

    /** Sends {@code head} and {@code body} on a raw socket and returns the first line of the answer. */
    private String rawExchange(String head, String body, int readTimeoutMs) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(readTimeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = in.readNBytes(12);
            return new String(buf, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413AtOnceWithoutWaitingForTheBody() throws IOException {
        long started = System.nanoTime();
        String status = rawExchange("POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 3145728", "{\"title\":\"t\"", 2000);
        assertThat(status).isEqualTo("HTTP/1.1 413");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2000);
    }

    @Test
    void aStalledUploadIsCutWith408() throws IOException {
        long before = alertCount();
        // 40 of 400 bytes, then silence: cut after the read timeout instead of holding a thread for ever
        String status = rawExchange("POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 400", "{\"title\":\"stalled\",\"message\":\"aaaaaaaaa", 10_000);
        assertThat(status).isEqualTo("HTTP/1.1 408");
        assertThat(alertCount()).isEqualTo(before);
    }

    @Test
    void whileStartingOrStoppingIngestIs503WithRetryAfterNever404() {
        long before = alertCount();
        gate.close();
        HttpResponse<String> r;
        HttpResponse<String> am;
        try {
            r = postJson("/alerts", Map.of("title", "during shutdown"));
            am = postJson("/alerts/alertmanager", Map.of("version", "4"));
        } finally {
            gate.reopen();
        }
        for (HttpResponse<String> each : new HttpResponse[] {r, am}) {
            assertThat(answer(each, 503).path("message").asText()).contains("stopping");
            assertThat(each.headers().firstValue("Retry-After")).contains("5");
        }
        assertThat(alertCount()).isEqualTo(before);
        assertThat(postJson("/alerts", Map.of("title", "open again")).statusCode()).isEqualTo(202);
    }

    @Test
    void aStoppedIngestRouteIs503NotA404() throws Exception {
        camel.getRouteController().stopRoute("ingest-http");
        HttpResponse<String> r;
        try {
            r = postJson("/alerts", Map.of("title", "route stopped"));
        } finally {
            camel.getRouteController().startRoute("ingest-http");
        }
        assertThat(answer(r, 503).path("message").asText()).contains("not running");
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(postJson("/alerts", Map.of("title", "route started")).statusCode()).isEqualTo(202);
    }

    @Test
    void whenBodiesInMemoryFillTheBudgetIngestIs503WithRetryAfter() {
        long before = alertCount();
        long taken = 0;
        while (budget.tryReserve(64 * 1024)) {
            taken += 64 * 1024;
        }
        HttpResponse<String> r;
        try {
            r = postJson("/alerts", Map.of("title", "no room"));
        } finally {
            budget.release(taken);
        }
        assertThat(answer(r, 503).path("error").asText()).isEqualTo("busy");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(alertCount()).isEqualTo(before);
        assertThat(postJson("/alerts", Map.of("title", "room again")).statusCode()).isEqualTo(202);
    }

    @Test
    void deeplyNestedDetailsGetTheSameClearRefusalFromIngestAndPreview() {
        long before = alertCount();
        String deep = "{\"title\":\"deep\",\"details\":" + "{\"a\":".repeat(997) + "1" + "}".repeat(997) + "}";
        for (String path : new String[] {"/alerts", "/channels/hook-flaky/preview"}) {
            JsonNode refused = answer(postRaw(path, "application/json", deep), 400);
            assertThat(refused.path("errors").get(0).path("field").asText()).as(path).isEqualTo("details");
            assertThat(refused.path("message").asText()).contains("64 levels");
        }
        assertThat(alertCount()).isEqualTo(before);
        String fine = "{\"title\":\"deep enough\",\"details\":" + "{\"a\":".repeat(64) + "1" + "}".repeat(64) + "}";
        assertThat(postRaw("/channels/hook-flaky/preview", "application/json", fine).statusCode()).isEqualTo(200);
        assertThat(postRaw("/alerts", "application/json", fine).statusCode()).isEqualTo(202);
    }

    @Test
    void previewBodiesHaveTheIngestLimitDeclaredOrChunked() {
        byte[] huge = ("{\"title\":\"t\",\"message\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        JsonNode declared = answer(post("/channels/hook-flaky/preview", Map.of("Content-Type", "application/json"), huge), 413);
        assertThat(declared.path("error").asText()).isEqualTo("payload_too_large");
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri("/channels/hook-flaky/preview"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build());
        assertThat(answer(chunked, 413).path("error").asText()).isEqualTo("payload_too_large");
        // a body within the limit still previews
        HttpResponse<String> ok = post("/channels/hook-flaky/preview", Map.of("Content-Type", "application/json"),
                "{\"title\":\"fine\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(answer(ok, 200).path("kind").asText()).isEqualTo("webhook");
    }

    /**
     * A body that cannot be read to its end (the connection broke, or the relay began stopping under the
     * request) is the sender's to retry: a 4xx would make Alertmanager drop the notification for good.
     * Only a body that is not what it claims (corrupt gzip, above) is the client's fault.
     */
    @Test
    void aBodyThatBreaksOffWhileReadIsAnsweredWith503AndRetryAfterAndNothingIsStored() throws Exception {
        long before = alertCount();
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(camel);
        exchange.getMessage().setBody(new InputStream() {
            private boolean sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!sent) {
                    sent = true;
                    b[off] = '{';
                    return 1;
                }
                throw new IOException("Connection reset by peer");
            }
        });
        ingest.alerts(exchange);
        assertThat(exchange.getMessage().getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(exchange.getMessage().getHeader("Retry-After")).isEqualTo("5");
        JsonNode answer = json.readTree(exchange.getMessage().getBody(String.class));
        assertThat(answer.path("error").asText()).isEqualTo("unavailable");
        assertThat(answer.path("message").asText()).contains("Connection reset by peer").contains("please retry");
        assertThat(alertCount()).isEqualTo(before);
    }
}
