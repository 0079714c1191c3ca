package io.alertrelay.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.AlertRelayApplication;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A relay without keys must not be reachable from other hosts, and says so when it starts. */
@ExtendWith(OutputCaptureExtension.class)
class SecurityStartupTest {

    private static String[] args(String... extra) {
        String[] base = {
                "--spring.config.location=classpath:/",
                "--spring.profiles.active=test",
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:startup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAnyKey(CapturedOutput output) {
        assertThatThrownBy(() -> SpringApplication.run(AlertRelayApplication.class, args("--server.address=0.0.0.0")))
                .hasRootCauseInstanceOf(UnsafeSecurityConfigException.class)
                .rootCause().hasMessageContaining("Refusing to start: no API key is configured and server.address 0.0.0.0 "
                        + "is not a loopback address");
        // Spring Boot's startup report carries the one line, not a stack trace
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Refusing to start: no API key is configured")
                .contains("alert-relay.security.bootstrap-admin-key");
    }

    @Test
    void refusesAShortBootstrapKey() {
        assertThatThrownBy(() -> SpringApplication.run(AlertRelayApplication.class,
                args("--server.address=127.0.0.1", "--alert-relay.security.bootstrap-admin-key=short")))
                .hasRootCauseInstanceOf(UnsafeSecurityConfigException.class)
                .rootCause().hasMessageContaining("shorter than 16 characters");
    }

    @Test
    void warnsThatItAcceptsUnauthenticatedRequestsOnLoopbackOnly(CapturedOutput output) {
        assertThatCode(() -> LoopbackGuard.check(false, "127.0.0.1", false)).doesNotThrowAnyException();
        assertThat(output.getAll()).contains("WARN")
                .contains("No API key is configured: the relay accepts UNAUTHENTICATED requests, on loopback (127.0.0.1) only");
    }

    @Test
    void allowUnauthenticatedLetsItListenEverywhereButStillWarns(CapturedOutput output) {
        assertThatCode(() -> LoopbackGuard.check(false, "0.0.0.0", true)).doesNotThrowAnyException();
        assertThat(output.getAll()).contains("allow-unauthenticated=true")
                .contains("UNAUTHENTICATED requests from anyone who can reach 0.0.0.0");
    }

    @Test
    void withKeysAnyAddressIsFine(CapturedOutput output) {
        assertThatCode(() -> LoopbackGuard.check(true, "0.0.0.0", false)).doesNotThrowAnyException();
        assertThat(output.getAll()).doesNotContain("UNAUTHENTICATED");
    }

    @Test
    void anUnsetAddressMeansAllInterfaces() {
        assertThatThrownBy(() -> LoopbackGuard.check(false, null, false))
                .isInstanceOf(UnsafeSecurityConfigException.class).hasMessageContaining("(all interfaces)");
        assertThat(LoopbackGuard.isLoopback("localhost")).isTrue();
        assertThat(LoopbackGuard.isLoopback("::1")).isTrue();
        assertThat(LoopbackGuard.isLoopback("127.0.0.2")).isTrue();
        assertThat(LoopbackGuard.isLoopback("0.0.0.0")).isFalse();
        assertThat(LoopbackGuard.isLoopback("::")).isFalse();
        assertThat(LoopbackGuard.isLoopback("")).isFalse();
    }

    @Test
    void scopesFollowTheContract() {
        assertThat(ApiKeyFilter.required("POST", "/alerts")).contains(Scope.ALERTS_WRITE);
        assertThat(ApiKeyFilter.required("POST", "/alerts/alertmanager")).contains(Scope.ALERTS_WRITE);
        assertThat(ApiKeyFilter.required("GET", "/channels")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("GET", "/channels/a/deliveries")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("GET", "/deliveries")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("POST", "/channels/a/preview")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("POST", "/channels/a/test")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("POST", "/channels/a/replay")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("POST", "/deliveries/7/replay")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("POST", "/admin/reload")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("DELETE", "/admin/keys/x")).contains(Scope.ADMIN);
        // noise control: the why view and the silences are read with channels:read, silences changed by admin
        assertThat(ApiKeyFilter.required("GET", "/alerts/0193-abc")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("GET", "/silences")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("GET", "/silences/x")).contains(Scope.CHANNELS_READ);
        assertThat(ApiKeyFilter.required("POST", "/silences")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("DELETE", "/silences/x")).contains(Scope.ADMIN);
        // prefixes are whole segments: /alertsfoo is not ingest, so it falls to the admin default
        assertThat(ApiKeyFilter.required("POST", "/alertsx")).contains(Scope.ADMIN);
        assertThat(ApiKeyFilter.required("GET", "/actuator/health/readiness")).isEmpty();
        assertThat(ApiKeyFilter.required("GET", "/actuator/prometheus")).contains(Scope.CHANNELS_READ);
        assertThat(Scope.CHANNELS_READ.grantedBy(java.util.Set.of(Scope.ADMIN))).isTrue();
        assertThat(Scope.ADMIN.grantedBy(java.util.Set.of(Scope.ALERTS_WRITE, Scope.CHANNELS_READ))).isFalse();
    }
}
