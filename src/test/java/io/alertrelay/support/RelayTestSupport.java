package io.alertrelay.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole relay on a random port, with real servers standing in for
 * the outside world. The servers start once per JVM and every test context shares them, so test
 * classes with the same profiles share one Spring context too.
 */
// classpath only: ./application.yaml of the working directory would otherwise outrank the test profiles
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.location=classpath:/")
public abstract class RelayTestSupport {

    public static final WireMockServer WIREMOCK = startWireMock();
    public static final GreenMail SMTP = startSmtp();
    /** A port nobody listens on, for connection-refused cases. */
    public static final int CLOSED_PORT = freePort();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected ObjectMapper json;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("wiremock.port", WIREMOCK::port);
        registry.add("wiremock.https-port", WIREMOCK::httpsPort);
        registry.add("smtp.port", () -> SMTP.getSmtp().getPort());
        registry.add("closed.port", () -> CLOSED_PORT);
    }

    private static WireMockServer startWireMock() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort()
                .bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    private static GreenMail startSmtp() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        return mail;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> postRaw(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    protected HttpResponse<String> postJson(String path, Object body) {
        try {
            return postRaw(path, "application/json", body instanceof String s ? s : json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** POSTs one alert and returns its id, failing unless the relay answered 202. */
    protected String accept(Map<String, Object> alert) {
        HttpResponse<String> r = postJson("/alerts", alert);
        if (r.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + r.statusCode() + ": " + r.body());
        }
        return parse(r.body()).path("ids").get(0).asText();
    }

    protected Map<String, Object> deliveryOf(String alertId, String channelId) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT * FROM deliveries WHERE alert_id = ? AND channel_id = ?", alertId, channelId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    protected Map<String, Object> channelStatus(String channelId) {
        return jdbc.queryForMap("SELECT * FROM channel_status WHERE channel_id = ?", channelId);
    }

    /** Waits for the delivery of an alert to a channel to leave 'pending', and returns the row. */
    protected Map<String, Object> awaitDelivery(String alertId, String channelId) {
        await("delivery of " + alertId + " to " + channelId + " to finish", () -> {
            Map<String, Object> d = deliveryOf(alertId, channelId);
            return d != null && !"pending".equals(d.get("status"));
        });
        return deliveryOf(alertId, channelId);
    }

    /** Polls until the condition holds, failing after 15 seconds. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(15), condition);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
