package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.alertrelay.support.RelayTestSupport;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's chromium, headless) against the packaged jar, with
 * WireMock as a webhook target that fails and then recovers: what an operator does when an
 * integration breaks. Screenshots of the main pages go to target/console-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String ADMIN_KEY = "console-it-bootstrap-admin-key-5d1e";
    static final String XSS_TITLE = "<img src=x onerror=alert(1)> disk full on db-1";
    static final Path SHOTS = Path.of("target", "console-screenshots");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final WireMockServer TARGET = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

    private static Path workDir;
    private static Process relay;
    private static int port;
    private static WebDriver browser;
    private static String viewerKey;
    private static String xssAlertId;

    @BeforeAll
    static void start() throws Exception {
        assertThat(new File(CHROMIUM)).as("ConsoleIT drives Debian's chromium: apt-get install -y chromium chromium-driver "
                + "(.ci/run installs them)").exists();
        assertThat(new File(CHROMEDRIVER)).as("ConsoleIT needs chromedriver: apt-get install -y chromium-driver").exists();
        TARGET.start();
        TARGET.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"upstream maintenance until 14:00\"}")));
        workDir = Files.createTempDirectory("console-it");
        port = freePort();
        Files.writeString(workDir.resolve("application.yaml"), """
                server:
                  port: %d
                alert-relay:
                  security:
                    bootstrap-admin-key: %s
                  delivery:
                    poll-interval-ms: 200
                    retry:
                      max-attempts: 2
                      initial-delay-ms: 100
                      max-delay-ms: 200
                    circuit-breaker:
                      minimum-calls: 1000
                      window: 1000
                  channels:
                    - id: ops-webhook
                      kind: webhook
                      config:
                        url: http://127.0.0.1:%d/hook
                        secret-header: X-Relay-Token
                        secret-value: console-it-secret-value
                    - id: audit-log
                      kind: log
                    - id: old-chat
                      kind: log
                      enabled: false
                """.formatted(port, ADMIN_KEY, TARGET.port()));
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("relay.jar", "target/alert-relay.jar");
        relay = new ProcessBuilder(java, "-jar", Path.of(jar).toAbsolutePath().toString())
                .directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "console-relay.log").toFile()))
                .start();
        RelayTestSupport.await("the relay to be ready", Duration.ofSeconds(90), () -> {
            try {
                return http("GET", "/actuator/health/readiness", null, null).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        });

        HttpResponse<String> key = http("POST", "/admin/keys", ADMIN_KEY, "{\"name\":\"console-viewer\",\"scopes\":[\"channels:read\"]}");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        viewerKey = JSON.readTree(key.body()).path("key").asText();

        HttpResponse<String> accepted = http("POST", "/alerts", ADMIN_KEY,
                JSON.writeValueAsString(Map.of("title", XSS_TITLE, "severity", "critical")));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        xssAlertId = JSON.readTree(accepted.body()).path("ids").get(0).asText();
        RelayTestSupport.await("the delivery to the failing target to be dead", Duration.ofSeconds(30),
                () -> dead("ops-webhook") == 1);

        Files.createDirectories(SHOTS);
        browser = chromium();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
        TARGET.stop();
    }

    @Test
    @Order(1)
    void aViewerSeesTheFailingChannelWithItsVendorsAnswerButNoActions() {
        signIn(viewerKey);
        assertThat(text(By.id("who"))).contains("viewer");
        WebElement card = waitFor(By.cssSelector("article.card[data-channel='ops-webhook']"));
        assertThat(card.getDomAttribute("data-health")).isEqualTo("failing");
        assertThat(card.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Failing");
        assertThat(card.findElement(By.cssSelector(".vendor-answer")).getText()).contains("upstream maintenance until 14:00");
        assertThat(card.getText()).contains("HTTP status", "503", "the vendor failed (5xx)");
        List<String> order = browser.findElements(By.cssSelector("article.card")).stream()
                .map(e -> e.getDomAttribute("data-channel")).toList();
        assertThat(order).as("unhealthy channels first, disabled ones last").containsExactly("ops-webhook", "audit-log", "old-chat");
        waitForCharts(3);
        shot("channels");

        card.findElement(By.cssSelector("a.channel-name")).click();
        waitFor(By.cssSelector(".page[data-page='channel']"));
        waitFor(By.cssSelector("tr[data-status='dead']"));
        assertThat(browser.findElements(By.cssSelector("[data-action]"))).as("no test or replay buttons for a viewer").isEmpty();
        assertThat(text(By.id("viewer-note"))).contains("admin key");
        assertThat(text(By.cssSelector("pre.config"))).contains("********").doesNotContain("console-it-secret-value");

        // and the relay refuses what the page does not offer
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('../channels/ops-webhook/replay', {method: 'POST',
                    headers: {Authorization: 'Bearer ' + sessionStorage.getItem('alert-relay.key')}})
                  .then(r => done(r.status), e => done(String(e)));
                """);
        assertThat(status).isEqualTo(403L);
        assertThat(dead("ops-webhook")).isEqualTo(1);
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).as("no cookie holds the key").isEqualTo("");
        browser.findElement(By.id("signout")).click();
        waitFor(By.id("signin-form"));
    }

    @Test
    @Order(2)
    void anAdminReplaysTheDeadDeliveryOnceTheTargetRecoversAndRunsATestSend() {
        signIn(ADMIN_KEY);
        assertThat(text(By.id("who"))).contains("admin");
        browser.get(base() + "#/channel/ops-webhook");
        waitFor(By.cssSelector("tr[data-status='dead']"));
        assertThat(text(By.cssSelector(".vendor-answer"))).contains("upstream maintenance until 14:00");
        shot("channel-failing");

        TARGET.resetAll();
        TARGET.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
        browser.findElement(By.id("replay-all")).click();
        WebElement row = new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-status='sent']")));
        assertThat(row.getText()).contains("disk full on db-1");
        assertThat(browser.findElements(By.cssSelector("tr[data-status='dead']"))).isEmpty();
        assertThat(TARGET.findAll(postRequestedFor(urlPathEqualTo("/hook")))).hasSize(1);
        assertThat(dead("ops-webhook")).isZero();

        browser.findElement(By.id("test-send")).click();
        WebElement outcome = new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#test-outcome [data-outcome]")));
        assertThat(outcome.getDomAttribute("data-outcome")).isEqualTo("sent");
        assertThat(text(By.id("test-outcome"))).startsWith("Test sent in").doesNotContain("null");
        assertThat(TARGET.findAll(postRequestedFor(urlPathEqualTo("/hook")))).as("the test alert reached the target").hasSize(2);

        browser.findElement(By.id("preview-button")).click();
        assertThat(waitFor(By.cssSelector("#preview-out pre")).getText()).contains("Disk almost full on db-1", "********")
                .doesNotContain("console-it-secret-value");
        shot("channel");
    }

    @Test
    @Order(3)
    void anAlertTitleWithMarkupIsShownAsText() {
        signIn(ADMIN_KEY);
        browser.get(base() + "#/deliveries?title=onerror");
        WebElement title = waitFor(By.cssSelector("a.alert-title"));
        assertThat(title.getText()).isEqualTo(XSS_TITLE);
        assertNoInjectedMarkup();
        shot("deliveries");

        title.click();
        WebElement heading = waitFor(By.cssSelector("h1.alert-heading"));
        assertThat(heading.getText()).isEqualTo(XSS_TITLE);
        assertThat(text(By.cssSelector(".page"))).contains(xssAlertId);
        assertThat(browser.findElement(By.cssSelector("tr[data-channel='ops-webhook']")).getDomAttribute("data-outcome"))
                .as("replayed in the test before").isEqualTo("delivered");
        assertThat(text(By.cssSelector(".why-not"))).contains("old-chat", "disabled").doesNotContain("audit-log");
        assertNoInjectedMarkup();
        shot("alert");
    }

    @Test
    @Order(4)
    void chartsAreDrawnFromTheRelaysDatabase() {
        signIn(ADMIN_KEY);
        browser.get(base() + "#/charts?hours=1");
        waitFor(By.id("chart-outcomes"));
        waitForCharts(4);
        assertThat(text(By.cssSelector(".page"))).contains("Deliveries by outcome", "Failure reasons",
                "Accept-to-delivery latency", "Pending deliveries");
        Object delivered = ((JavascriptExecutor) browser).executeScript(
                "return Chart.getChart(document.getElementById('chart-outcomes')).data.datasets[0].data.reduce((a, b) => a + b, 0)");
        assertThat(((Number) delivered).longValue()).as("the replayed alert and the test alert").isGreaterThanOrEqualTo(2);
        shot("charts");
        assertNoPolicyViolations();
    }

    // ---- helpers ----

    private static void signIn(String key) {
        browser.get(base());
        // a fresh browser session: the key lives in sessionStorage only
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement input = new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        input.clear();
        input.sendKeys(key);
        browser.findElement(By.id("signin-button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("main")));
        waitFor(By.cssSelector(".page"));
    }

    private static void assertNoInjectedMarkup() {
        assertThat(browser.findElements(By.cssSelector("main img"))).as("the title's <img> is text, not an element").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    private static void waitForCharts(int atLeast) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "return [...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length")).intValue() >= atLeast);
    }

    private static void assertNoPolicyViolations() {
        // refused API calls (the sign-in probes) are logged too; what must not appear is a blocked script or style
        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Uncaught")).toList();
        assertThat(problems.stream().map(LogEntry::getMessage).collect(Collectors.joining("\n")))
                .as("the console runs under its Content-Security-Policy without errors").isEmpty();
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    private static String text(By by) {
        return waitFor(by).getText();
    }

    private static void shot(String name) {
        try {
            Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + port + "/console/";
    }

    private static WebDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--no-first-run", "--window-size=1440,1000",
                "--user-data-dir=" + Files.createTempDirectory("console-it-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // the driver from the package, never one Selenium Manager would download
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static long dead(String channel) {
        try {
            HttpResponse<String> r = http("GET", "/deliveries?status=dead&channel=" + channel, ADMIN_KEY, null);
            JsonNode page = JSON.readTree(r.body());
            return page.path("total").asLong();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> http(String method, String path, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
