package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.kinds.email.EmailPayload;
import io.alertrelay.support.PackagedKinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A broken channel declaration stops startup with one line naming the channel and the field. */
@ExtendWith(OutputCaptureExtension.class)
class ChannelConfigValidationTest {

    private final ChannelRegistry registry = new ChannelRegistry(new RelayProperties(),
            List.of(new EmailPayload()), List.of(PackagedKinds.only("log", "webhook")));

    private static ChannelProperties webhook(String id, Consumer<ChannelProperties> change) {
        ChannelProperties c = new ChannelProperties();
        c.setId(id);
        c.setKind("webhook");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("url", "https://hooks.example.com/in");
        c.setConfig(config);
        change.accept(c);
        return c;
    }

    private String refusal(ChannelProperties... channels) {
        try {
            registry.validate(new ArrayList<>(List.of(channels)));
        } catch (InvalidChannelConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void aValidChannelIsAccepted() {
        var channels = registry.validate(List.of(webhook("ops-hook", c -> c.getConfig().put("method", "put"))));
        assertThat(channels.get("ops-hook").string("method")).isEqualTo("PUT");
        assertThat(channels.get("ops-hook").bool("verify-tls")).isTrue();
        assertThat(channels.get("ops-hook").string("payload")).isEqualTo("full");
    }

    @Test
    void unknownKind() {
        assertThat(refusal(webhook("ops", c -> c.setKind("fax")))).isEqualTo(
                "channel 'ops': kind unknown kind \"fax\"; known kinds: email, log, webhook");
    }

    @Test
    void missingRequiredField() {
        assertThat(refusal(webhook("ops", c -> c.getConfig().remove("url"))))
                .startsWith("channel 'ops': config.url is required for kind webhook");
    }

    @Test
    void malformedUrl() {
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("url", "hooks.example.com/in"))))
                .isEqualTo("channel 'ops': config.url must be an absolute http(s) URL, got \"hooks.example.com/in\"");
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("url", "http://exa mple.com"))))
                .startsWith("channel 'ops': config.url is not a valid URL");
    }

    @Test
    void aUrlWithUserAndPasswordIsRefusedWithoutEchoingThem() {
        String refusal = refusal(webhook("ops", c -> c.getConfig().put("url", "https://relay:pa55-w0rd@hooks.example.com/in")));
        assertThat(refusal).isEqualTo("channel 'ops': config.url must not carry a user name or password "
                + "(user:password@host); give credentials in the kind's own fields or a secret header");
        // also when the rest of the URL is wrong, and for a password that itself holds an @
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("url", "ftp://relay:pa55-w0rd@hooks.example.com/in"))))
                .contains("must not carry a user name or password").doesNotContain("pa55-w0rd");
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("url", "http://relay:p@55@hooks.example.com/in"))))
                .contains("must not carry a user name or password").doesNotContain("p@55");
    }

    @Test
    void operatorsSeeUrlsAndHeadersWithUndeclaredSecretsMasked() {
        var channels = registry.validate(List.of(webhook("ops-hook", c -> {
            c.getConfig().put("url", "https://hooks.example.com/in?token=tok-0123456789&team=ops#frag");
            c.getConfig().put("headers", new LinkedHashMap<>(Map.of("X-Api-Token", "hdr-0123456789", "X-Team", "platform-team")));
            c.getConfig().put("public-headers", List.of("x-team"));
            c.getConfig().put("signing-secret", "sig-0123456789");
        })));
        var hook = channels.get("ops-hook");
        Map<String, Object> shown = hook.maskedConfig();

        assertThat(shown.get("url")).isEqualTo("https://hooks.example.com/in?token=********&team=********#********");
        assertThat(shown.get("headers")).isEqualTo(Map.of("X-Api-Token", "********", "X-Team", "platform-team"));
        assertThat(shown.get("signing-secret")).isEqualTo("********");
        assertThat(shown.toString()).doesNotContain("tok-0123456789", "hdr-0123456789", "sig-0123456789");
        // what failure fields and previews blank out of vendor answers
        assertThat(hook.secretValues()).contains("tok-0123456789", "hdr-0123456789", "sig-0123456789")
                .doesNotContain("platform-team");
        assertThat(hook.hidesHeader("x-api-token")).isTrue();
        assertThat(hook.hidesHeader("X-Team")).isFalse();
        assertThat(hook.hidesHeader("Content-Type")).isFalse();
    }

    @Test
    void aPublicHeaderMustBeOneOfTheChannelsHeaders() {
        assertThat(refusal(webhook("ops", c -> {
            c.getConfig().put("headers", new LinkedHashMap<>(Map.of("X-Team", "ops")));
            c.getConfig().put("public-headers", List.of("X-Tema"));
        }))).isEqualTo("channel 'ops': config.public-headers names \"X-Tema\", which is not one of the channel's headers");
    }

    @Test
    void duplicateId() {
        assertThat(refusal(webhook("ops", c -> { }), webhook("ops", c -> { })))
                .isEqualTo("channel 'ops': id is used by another channel; ids must be unique");
    }

    @Test
    void missingOrMalformedId() {
        assertThat(refusal(webhook(null, c -> { }))).isEqualTo("alert-relay.channels[0]: id is required");
        assertThat(refusal(webhook("Ops_Hook", c -> { }))).startsWith("channel 'Ops_Hook': id must match");
    }

    @Test
    void unknownConfigFieldIsATypoNotSilence() {
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("urll", "x"))))
                .startsWith("channel 'ops': config.urll is not a field of kind webhook; its fields are: url, method");
    }

    @Test
    void wrongEnumAndBoolean() {
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("method", "DELETE"))))
                .isEqualTo("channel 'ops': config.method must be one of POST, PUT, PATCH, got \"DELETE\"");
        assertThat(refusal(webhook("ops", c -> c.getConfig().put("verify-tls", "sometimes"))))
                .isEqualTo("channel 'ops': config.verify-tls must be true or false, got \"sometimes\"");
    }

    @Test
    void badMatchAndRateLimit() {
        assertThat(refusal(webhook("ops", c -> c.getMatch().setMinSeverity("urgent"))))
                .startsWith("channel 'ops': match.min-severity must be one of critical, high, medium, low, info");
        assertThat(refusal(webhook("ops", c -> c.getMatch().setStatuses(List.of("firing", "asleep")))))
                .startsWith("channel 'ops': match.statuses \"asleep\" is not one of firing, acknowledged, resolved");
        assertThat(refusal(webhook("ops", c -> c.setRateLimit("fast"))))
                .startsWith("channel 'ops': rate-limit must look like 120/min");
    }

    @Test
    void badTemplates() {
        assertThat(refusal(webhook("ops", c -> c.getTemplate().setTitle("{{#title}}unclosed"))))
                .startsWith("channel 'ops': template.title is not a valid template");
        assertThat(refusal(webhook("ops", c -> c.getTemplate().setBodyFile("/nonexistent/ops.md"))))
                .startsWith("channel 'ops': template.body-file cannot read /nonexistent/ops.md");
    }

    @Test
    void emailAddressesAreChecked() {
        ChannelProperties mail = new ChannelProperties();
        mail.setId("mail");
        mail.setKind("email");
        mail.setConfig(new LinkedHashMap<>(Map.of("smtp-host", "smtp.example.com", "from", "relay@example.com",
                "to", List.of("ops@example.com", "not-an-address"))));
        assertThat(refusal(mail)).isEqualTo("channel 'mail': config.to \"not-an-address\" is not an e-mail address");
    }

    @Test
    void theRelayRefusesToStartAndSaysWhy(CapturedOutput output) {
        // command-line arguments, as an operator would pass them; they outrank application.yaml
        String[] args = {
                "--spring.config.location=classpath:/",
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:refused;DB_CLOSE_DELAY=-1",
                "--alert-relay.channels[0].id=ops-hook",
                "--alert-relay.channels[0].kind=webhook",
                "--alert-relay.channels[0].config.url=ftp://files.example.com/drop"};
        SpringApplicationBuilder app = new SpringApplicationBuilder(AlertRelayApplication.class);

        assertThatThrownBy(() -> app.run(args).close()).hasRootCauseInstanceOf(InvalidChannelConfigException.class)
                .rootCause().hasMessage("channel 'ops-hook': config.url must be an absolute http(s) URL, got \"ftp://files.example.com/drop\"");
        assertThat(output.getOut() + output.getErr())
                .contains("Invalid channel configuration: channel 'ops-hook': config.url must be an absolute http(s) URL");
    }
}
