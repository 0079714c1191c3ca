package io.alertrelay.noise;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** One context for every noise control test class (profile noise). */
@ActiveProfiles({"test", "noise"})
abstract class NoiseTestSupport extends RelayTestSupport {

    @DynamicPropertySource
    static void thisYear(DynamicPropertyRegistry registry) {
        registry.add("noise-test.year",
                () -> String.valueOf(Year.now(ZoneOffset.UTC).getValue()));
    }

    static void answer(String path, int status) {
        WIREMOCK.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    static List<LoggedRequest> received(String path) {
        return WIREMOCK.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    String status(String alertId, String channelId) {
        Map<String, Object> d = deliveryOf(alertId, channelId);
        return d == null ? null : (String) d.get("status");
    }
}
