package io.alertrelay.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.RelayTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

/**
 * Every answer is the documented JSON shape {"error","message","errors":[]}, also where Tomcat or Spring
 * answer before any handler of the relay: no HTML page, no Spring default body, no server version, no
 * Java type names. Requests Java's HTTP client refuses to send go over a raw socket.
 */
@ActiveProfiles({"test", "core"})
class ErrorShapeTest extends RelayTestSupport {

    /** Status line, headers and body of a raw HTTP/1.1 exchange. */
    private record Raw(int status, String head, String body) {}

    private Raw raw(String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            String body = text.substring(split + 4);
            return new Raw(Integer.parseInt(head.substring(9, 12)), head,
                    head.toLowerCase().contains("transfer-encoding: chunked") ? dechunk(body) : body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a chunked answer (Camel's routes stream theirs). */
    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    private JsonNode documented(Raw r, int status, String error) {
        assertThat(r.status()).as(r.head() + "\n" + r.body()).isEqualTo(status);
        assertThat(r.head().toLowerCase()).contains("content-type: application/json").doesNotContain("\r\nserver:");
        assertThat(r.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("<html").doesNotContain("Exception");
        JsonNode body = parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("errors").isArray()).isTrue();
        return body;
    }

    @Test
    void aNulByteInThePathIsA400InTheDocumentedShape() {
        documented(raw("GET /alerts%00 HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"), 400, "bad_request");
        documented(raw("GET /channels/%00 HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void connectAndABadRequestLineAreJsonToo() {
        JsonNode connect = documented(raw("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n"),
                501, "not_implemented");
        assertThat(connect.path("message").asText()).isEqualTo("CONNECT is not supported by this server");
        documented(raw("GET /a|b HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"), 400, "bad_request");
        documented(raw("NONSENSE\r\n\r\n"), 400, "bad_request");
        documented(raw("GET /channels HTTP/1.1\r\nHost: relay\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void unknownPathsAndMethodsOfTheIngestServletAreJson() {
        JsonNode method = documented(raw("GET /alerts HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"),
                405, "method_not_allowed");
        assertThat(method.path("message").asText()).startsWith("GET is not supported here");
        // GET /alerts/{id} is the "why" view, so POST there is a method the path does not take
        documented(raw("POST /alerts/no-such-format HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}"), 405, "method_not_allowed");
        documented(raw("PUT /alerts/alertmanager HTTP/1.1\r\nHost: relay\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                405, "method_not_allowed");
    }

    @Test
    void theErrorPathItselfIsNoResourceAndNo999() {
        documented(raw("GET /error HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n"), 404, "not_found");
        documented(raw("GET /no/such/page HTTP/1.1\r\nHost: relay\r\nAccept: text/html\r\nConnection: close\r\n\r\n"),
                404, "not_found");
        documented(raw("GET /channels HTTP/1.1\r\nHost: relay\r\nAccept: text/html\r\nConnection: close\r\n\r\n"),
                406, "not_acceptable");
    }

    @Test
    void malformedJsonIsExplainedWithoutJavaNames() {
        HttpResponse<String> unclosed = postRaw("/alerts", "application/json", "{\"title\": \"x\"");
        assertThat(unclosed.statusCode()).isEqualTo(400);
        assertThat(parse(unclosed.body()).path("message").asText())
                .isEqualTo("malformed JSON at line 1, column 14: Unexpected end-of-input: expected close marker for Object "
                        + "(opened at line 1, column 1)");

        HttpResponse<String> deep = postRaw("/alerts", "application/json", "[".repeat(1001) + "]".repeat(1001));
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(parse(deep.body()).path("message").asText())
                .isEqualTo("malformed JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");

        for (String body : new String[] {"{\"a\":NaN}", "/* note */ {}", "{\"t\":" + "1".repeat(1001) + "}"}) {
            HttpResponse<String> r = postRaw("/alerts", "application/json", body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).doesNotContain("`").doesNotContain("StreamRead").doesNotContain("Feature")
                    .doesNotContain("Source:").doesNotContain("com.fasterxml");
        }
    }
}
