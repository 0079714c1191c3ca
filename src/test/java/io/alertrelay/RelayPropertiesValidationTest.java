package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Settings that make no sense stop the start with their name, instead of running wrong. */
class RelayPropertiesValidationTest {

    @Configuration
    @EnableConfigurationProperties(RelayProperties.class)
    static class Props {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void zeroConcurrentIngestRequestsIsRefusedByName() {
        runner.withPropertyValues("alert-relay.ingest.max-concurrent=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("ingest.maxConcurrent")
                    .hasMessageContaining("greater than or equal to 1");
        });
    }

    @Test
    void theDefaultIsAccepted() {
        runner.run(context -> assertThat(context.getBean(RelayProperties.class).getIngest().getMaxConcurrent()).isEqualTo(100));
    }
}
