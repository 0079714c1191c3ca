package io.alertrelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.AlertRelayApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** What an operator sees when the relay starts from a broken or channel-less configuration. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigStartupTest {

    private static String[] args(String... extra) {
        String[] base = {
                "--spring.profiles.active=test",
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:config-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void aYamlSyntaxErrorStopsStartupWithOneLineNamingFileLineAndColumn(@TempDir Path dir, CapturedOutput output)
            throws IOException {
        Path file = dir.resolve("application.yaml");
        Files.writeString(file, """
                alert-relay:
                  channels:
                    - id: ops
                      kind: log
                     config: {level: INFO}
                """);
        assertThatThrownBy(() -> SpringApplication.run(AlertRelayApplication.class,
                args("--spring.config.location=classpath:/,file:" + file)))
                .isInstanceOf(InvalidConfigFileException.class);
        String printed = output.getAll();
        assertThat(printed).contains("APPLICATION FAILED TO START")
                .containsPattern("Cannot read the configuration: URL \\[file:.*application\\.yaml], line 5, column 6: "
                        + "expected <block end>, but found '<block mapping start>'")
                .doesNotContain("\tat org.yaml")
                .doesNotContain("\tat org.springframework");
    }

    @Test
    void withoutAnyChannelItStartsWarnsAndShowsItInHealth(CapturedOutput output) throws Exception {
        // the test profile declares channels: []
        try (ConfigurableApplicationContext relay = SpringApplication.run(AlertRelayApplication.class,
                args("--spring.config.location=classpath:/"))) {
            assertThat(output.getAll()).contains("WARN").contains("No channel can receive alerts: alert-relay.channels "
                    + "declares no enabled channel. Alerts are accepted and stored, but delivered nowhere");
            int port = ((ServletWebServerApplicationContext) relay).getWebServer().getPort();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(body.path("components").path("channels").path("status").asText()).isEqualTo("NO_CHANNELS");
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
