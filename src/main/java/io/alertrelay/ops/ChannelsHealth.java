package io.alertrelay.ops;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelRegistry;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The {@code channels} health component: {@code UP} while at least one enabled channel can receive
 * alerts, {@code NO_CHANNELS} when none can. A relay without channels still accepts and stores alerts,
 * so it is not DOWN and stays out of the readiness group: taking it out of a load balancer would refuse
 * alerts too, and Alertmanager drops what is refused.
 * Spring Boot leaves a status it does not rank out of the overall status and answers it with 200; the
 * component shows it by name, and the relay says so in its log at startup and on reload.
 */
@Component("channels")
public class ChannelsHealth implements HealthIndicator {

    public static final Status NO_CHANNELS = new Status("NO_CHANNELS");
    static final String WARNING = "No channel can receive alerts: alert-relay.channels declares no enabled channel. "
            + "Alerts are accepted and stored, but delivered nowhere; /actuator/health shows channels NO_CHANNELS.";

    private static final Logger LOG = LoggerFactory.getLogger(ChannelsHealth.class);

    private final ChannelRegistry registry;

    public ChannelsHealth(ChannelRegistry registry) {
        this.registry = registry;
    }

    static boolean noneEnabled(Collection<Channel> channels) {
        return channels.stream().noneMatch(Channel::enabled);
    }

    @Override
    public Health health() {
        return noneEnabled(registry.all()) ? Health.status(NO_CHANNELS).build() : Health.up().build();
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnIfNoChannel() {
        if (noneEnabled(registry.all())) {
            LOG.warn(WARNING);
        }
    }
}
