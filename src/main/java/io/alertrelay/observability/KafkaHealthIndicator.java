package io.alertrelay.observability;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * The "kafka" component of readiness: UP when the configured brokers answer a describeCluster within
 * the timeout. Present only when the relay uses Kafka (ingest from a topic, or HTTP ingest publishing
 * to one), since only then can a broker outage stop alerts from getting in.
 */
@Component("kafkaHealthIndicator")
@ConditionalOnExpression("${alert-relay.kafka.enabled:false} or '${alert-relay.ingest.mode:database}' == 'kafka'")
public class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final String bootstrapServers;
    private final int timeoutMs;
    private final Supplier<Properties> clientSettings;
    private Admin admin;

    @Autowired
    public KafkaHealthIndicator(CamelContext camel,
                                @Value("${alert-relay.kafka.bootstrap-servers}") String bootstrapServers,
                                @Value("${alert-relay.kafka.health-timeout-ms:2000}") int timeoutMs) {
        // the same security settings (camel.component.kafka.*) as the consumer and producer use
        this(bootstrapServers, timeoutMs,
                () -> camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createConsumerProperties());
    }

    KafkaHealthIndicator(String bootstrapServers, int timeoutMs, Supplier<Properties> clientSettings) {
        super("Kafka brokers did not answer");
        this.bootstrapServers = bootstrapServers;
        this.timeoutMs = timeoutMs;
        this.clientSettings = clientSettings;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .nodes().get(timeoutMs + 500L, TimeUnit.MILLISECONDS).size();
        if (nodes == 0) {
            builder.down();
        } else {
            builder.up().withDetail("nodes", nodes);
        }
    }

    /** One client for the life of the relay: it keeps its connections, so a check costs one request. */
    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            clientSettings.get().forEach((k, v) -> {
                if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                    props.put(k, v);
                }
            });
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "alert-relay-health");
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close();
        }
    }
}
