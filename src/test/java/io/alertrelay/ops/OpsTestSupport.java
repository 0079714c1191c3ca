package io.alertrelay.ops;

import io.alertrelay.support.RelayTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * One context for every operations API test. Its config also reads {@link #RELOAD_FILE} (empty unless a
 * reload test writes channels into it), the way an operator's own application.yaml is read.
 */
@ActiveProfiles({"test", "ops"})
@TestPropertySource(properties = "spring.config.additional-location=optional:file:target/ops-reload/application.yaml")
abstract class OpsTestSupport extends RelayTestSupport {

    static final Path RELOAD_FILE = Path.of("target/ops-reload/application.yaml");

    static {
        writeReloadFile("# no extra channels\n");
    }

    static void writeReloadFile(String yaml) {
        try {
            Files.createDirectories(RELOAD_FILE.getParent());
            Files.writeString(RELOAD_FILE, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    protected HttpResponse<String> postEmpty(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Accepts an alert routed by its "route" label to one channel of application-ops.yaml. */
    protected String acceptFor(String route, String title) {
        return accept(Map.of("title", title, "severity", "high", "labels", Map.of("route", route)));
    }
}
