package io.alertrelay.ops;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelCheck;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.kind.KindCatalog;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import io.alertrelay.delivery.FlowControl;
import io.alertrelay.store.DeliveryStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * POST /admin/reload: reads the kind files (the kinds directory) and alert-relay.channels again and swaps
 * both if, and only if, the new declarations are valid.
 *
 * <p>How the config is re-read: a fresh Environment gets every property source of the running one
 * except those Spring Boot loaded from config files (command line, environment variables, system
 * properties and test properties stay, with their precedence), and Spring Boot's own config-data
 * loading runs on it again. So the files are found exactly as at startup (spring.config.location,
 * additional-location, profiles, imports), including files created since, and the channels are bound
 * with the same Binder rules. Only the channels change; other settings need a restart.
 */
@Component
public class ConfigReloader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
    /** How Spring Boot's StandardConfigDataLoader names what it loaded from a config file. */
    private static final String CONFIG_FILE_SOURCE = "Config resource ";
    private static final String ATTACHED_SOURCE = "configurationProperties";

    private final ConfigurableEnvironment environment;
    private final ResourceLoader resources;
    private final ChannelRegistry registry;
    private final List<ChannelCheck> checks;
    private final DeliveryStore store;
    private final FlowControl flow;
    private final KindCatalog kinds;
    private final ObjectProvider<CamelContext> camel;

    public ConfigReloader(ConfigurableEnvironment environment, ResourceLoader resources, ChannelRegistry registry,
                          List<ChannelCheck> checks, DeliveryStore store, FlowControl flow, KindCatalog kinds,
                          ObjectProvider<CamelContext> camel) {
        this.kinds = kinds;
        this.camel = camel;
        this.environment = environment;
        this.resources = resources;
        this.registry = registry;
        this.checks = checks;
        this.store = store;
        this.flow = flow;
    }

    public record Outcome(List<String> channels, List<String> added, List<String> removed) {}

    /** Throws {@link InvalidChannelConfigException} with a one-line reason, leaving the running channels alone. */
    public synchronized Outcome reload() {
        // kind files first: the channels are validated against the kinds as they will be
        KindCatalog.Prepared nextKinds = kinds.prepare(camel.getObject());
        Map<String, KindSpec> specs = registry.merge(nextKinds.kinds());
        Map<String, Channel> next = registry.validate(readChannels(), specs);
        for (ChannelCheck check : checks) {
            check.check(next.values());
        }
        kinds.apply(camel.getObject(), nextKinds);
        List<String> before = registry.all().stream().map(Channel::id).toList();
        List<String> added = next.keySet().stream().filter(id -> !before.contains(id)).toList();
        List<String> removed = before.stream().filter(id -> !next.containsKey(id)).toList();
        added.forEach(store::ensureStatusRow);
        registry.replace(specs, next);
        flow.channelsReplaced(next.keySet());
        LOG.info("Channel configuration reloaded: {} channel(s), added {}, removed {}", next.size(), added, removed);
        return new Outcome(List.copyOf(next.keySet()), added, removed);
    }

    List<ChannelProperties> readChannels() {
        ConfigurableEnvironment fresh = new StandardEnvironment();
        MutablePropertySources sources = fresh.getPropertySources();
        new ArrayList<>(sources.stream().map(PropertySource::getName).toList()).forEach(sources::remove);
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!source.getName().startsWith(CONFIG_FILE_SOURCE) && !source.getName().equals(ATTACHED_SOURCE)) {
                sources.addLast(source);
            }
        }
        try {
            ConfigDataEnvironmentPostProcessor.applyTo(fresh, resources, new DefaultBootstrapContext(),
                    Arrays.asList(environment.getActiveProfiles()));
            return Binder.get(fresh).bind("alert-relay.channels", Bindable.listOf(ChannelProperties.class))
                    .orElse(List.of());
        } catch (BindException e) {
            throw new InvalidChannelConfigException(oneLine(e.getMessage())
                    + (e.getCause() == null ? "" : ": " + oneLine(e.getCause().getMessage())));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new InvalidChannelConfigException("cannot read the configuration: " + oneLine(e.getMessage())
                    + (root == e ? "" : ": " + oneLine(root.getMessage())));
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
