package io.alertrelay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class KafkaHealthIndicatorTest {

    @Test
    void brokersThatDoNotAnswerMakeItDownWithinTheTimeout() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        KafkaHealthIndicator indicator = new KafkaHealthIndicator("127.0.0.1:" + closed, 500, Properties::new);
        try {
            long start = System.nanoTime();
            Health health = indicator.health();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            // a readiness probe must not hang on a dead broker
            assertThat(tookMs).isLessThan(5000);
        } finally {
            indicator.destroy();
        }
    }
}
