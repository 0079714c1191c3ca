package io.alertrelay.ops;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelCheck;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.config.InvalidConfigFileException;
import io.alertrelay.kind.KindCatalog;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import io.alertrelay.delivery.FlowControl;
import io.alertrelay.store.DeliveryStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

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

    /** A reload that would leave no channel able to receive an alert, not asked for explicitly. */
    public static class NoChannelsLeft extends RuntimeException {
        NoChannelsLeft(String message) {
            super(message);
        }
    }

    /**
     * Throws {@link InvalidChannelConfigException} with a one-line reason, or {@link NoChannelsLeft} when the
     * new declaration has no enabled channel and {@code allowEmpty} is false; either way the running kinds
     * and channels stay as they are.
     */
    public synchronized Outcome reload(boolean allowEmpty) {
        // kind files first: the channels are validated against the kinds as they will be
        KindCatalog.Prepared nextKinds = kinds.prepare(camel.getObject());
        Map<String, KindSpec> specs = registry.merge(nextKinds.kinds());
        Map<String, Channel> next = registry.validate(readChannels(), specs);
        for (ChannelCheck check : checks) {
            check.check(next.values());
        }
        List<String> before = registry.all().stream().map(Channel::id).toList();
        boolean noneNow = ChannelsHealth.noneEnabled(registry.all());
        // an emptied or half-saved file reads as "no channels"; taking it silently drops every later alert
        if (ChannelsHealth.noneEnabled(next.values()) && !noneNow && !allowEmpty) {
            throw new NoChannelsLeft("the configuration declares no enabled channel, so this reload would leave "
                    + "no channel to deliver alerts to (running now: " + String.join(", ", before) + "); nothing "
                    + "changed. Check the file, or reload with ?allow-empty=true if that is what you want");
        }
        kinds.apply(camel.getObject(), nextKinds);
        List<String> added = next.keySet().stream().filter(id -> !before.contains(id)).toList();
        List<String> removed = before.stream().filter(id -> !next.containsKey(id)).toList();
        added.forEach(store::ensureStatusRow);
        registry.replace(specs, next);
        flow.channelsReplaced(next.keySet());
        LOG.info("Channel configuration reloaded: {} channel(s), added {}, removed {}", next.size(), added, removed);
        if (ChannelsHealth.noneEnabled(next.values())) {
            LOG.warn(ChannelsHealth.WARNING);
        }
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
            throw new InvalidChannelConfigException(describe(e));
        } catch (InvalidConfigFileException e) {
            throw new InvalidChannelConfigException("cannot read the configuration: " + e.getMessage());
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new InvalidChannelConfigException("cannot read the configuration: " + oneLine(e.getMessage())
                    + (root == e ? "" : ": " + oneLine(root.getMessage())));
        }
    }

    /**
     * Spring's bind messages name Java types ("to java.util.List&lt;...ChannelProperties&gt;"); an operator
     * needs the setting, what it must be, what it was and where it is written.
     */
    static String describe(BindException e) {
        ConfigurationProperty property = e.getProperty();
        String where = property == null ? "" : where(property.getOrigin());
        String got = property == null || property.getValue() == null ? ""
                : ", got \"" + clip(String.valueOf(property.getValue())) + "\"";
        return e.getName() + " must be " + expected(e.getTarget().getType().resolve(Object.class)) + got + where;
    }

    private static String expected(Class<?> type) {
        Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a map of names to values";
        }
        if (boxed == Boolean.class) {
            return "true or false";
        }
        if (boxed == Integer.class || boxed == Long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (type == String.class || type.isEnum()) {
            return "a single value";
        }
        return "a section of settings (name: value lines)";
    }

    private static String where(Origin origin) {
        if (origin instanceof PropertySourceOrigin source) {
            origin = source.getOrigin();
        }
        if (origin instanceof TextResourceOrigin text && text.getLocation() != null) {
            String file = text.getResource() == null ? "" : text.getResource().getDescription() + ", ";
            return " (" + file + "line " + (text.getLocation().getLine() + 1) + ", column "
                    + (text.getLocation().getColumn() + 1) + ")";
        }
        return origin == null ? "" : " (" + oneLine(origin.toString()) + ")";
    }

    private static String clip(String s) {
        String line = oneLine(s);
        return line.length() > 64 ? line.substring(0, 64) + "…" : line;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
