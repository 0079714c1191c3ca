package io.alertrelay.channel;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.alertrelay.RelayProperties;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.Severity;
import io.alertrelay.delivery.PayloadBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The channels of application.yaml, validated at startup. Any mistake stops startup with one
 * line naming the channel and the field, because a relay that silently drops a misconfigured
 * channel's alerts is worse than one that does not start. POST /admin/reload validates a new
 * declaration the same way and {@link #replace swaps} it in only if it is valid.
 */
@Component
public class ChannelRegistry {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern INDEXED = Pattern.compile("^(.+?)\\[(\\d+)]$");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Mustache.Compiler MUSTACHE = Mustache.compiler().escapeHTML(false).defaultValue("");

    private final Map<String, KindSpec> javaKinds = new TreeMap<>();
    private volatile Map<String, KindSpec> kinds;
    private volatile Map<String, Channel> channels;

    /** Names of alert-relay.time-intervals, which channels' mute and active intervals refer to. */
    private volatile Set<String> timeIntervals;

    public ChannelRegistry(RelayProperties props, List<PayloadBuilder> builders) {
        this(props, builders, List.of());
    }

    @org.springframework.beans.factory.annotation.Autowired
    public ChannelRegistry(RelayProperties props, List<PayloadBuilder> builders, List<KindSource> sources) {
        builders.forEach(b -> javaKinds.put(b.spec().name(), b.spec()));
        this.timeIntervals = intervalNames(props);
        this.kinds = merge(sources.stream().flatMap(s -> s.kinds().stream()).toList());
        this.channels = validate(props.getChannels());
    }

    /**
     * The kinds with Java builders plus the declared ones. A kind file for a kind with a Java builder
     * (jira, github, …) adds its facts (rate limit, test send, …) to the fields declared in Java.
     */
    public Map<String, KindSpec> merge(Collection<KindSpec> declared) {
        Map<String, KindSpec> out = new TreeMap<>(javaKinds);
        for (KindSpec k : declared) {
            KindSpec java = javaKinds.get(k.name());
            out.put(k.name(), java == null ? k : java.withFacts(k.facts()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    public Optional<KindSpec> kind(String name) { return Optional.ofNullable(kinds.get(name)); }

    /** True for a kind whose Java builder makes its requests; false for one built by its kind file alone. */
    public boolean hasJavaBuilder(String kind) { return javaKinds.containsKey(kind); }

    public Collection<Channel> all() { return channels.values(); }

    /**
     * Swaps in a new, already validated set of channels (config reload). Deliveries in flight keep the
     * Channel they started with; the next claim of a delivery sees the new one.
     */
    public void replace(Map<String, Channel> validated) {
        this.channels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(validated));
    }

    public Optional<Channel> find(String id) { return Optional.ofNullable(channels.get(id)); }

    public Set<String> kindNames() { return kinds.keySet(); }

    /** The enabled channels that want this alert. */
    public List<Channel> matching(Alert alert) {
        return channels.values().stream().filter(Channel::enabled).filter(c -> c.matches(alert)).toList();
    }

    /** Swaps in a new set of kinds and the channels validated against them (reload of the kinds directory). */
    public synchronized void replace(Map<String, KindSpec> newKinds, Map<String, Channel> validated) {
        this.kinds = newKinds;
        replace(validated);
    }

    /** A reload: new kinds, the time interval names the channels were validated against, and the channels. */
    public synchronized void replace(Map<String, KindSpec> newKinds, Set<String> intervals, Map<String, Channel> validated) {
        this.timeIntervals = Set.copyOf(intervals);
        replace(newKinds, validated);
    }

    public Map<String, Channel> validate(List<ChannelProperties> declared) {
        return validate(declared, kinds);
    }

    public Map<String, Channel> validate(List<ChannelProperties> declared, Map<String, KindSpec> kinds) {
        return validate(declared, kinds, timeIntervals);
    }

    /** The names of alert-relay.time-intervals, which channels may refer to. */
    public static Set<String> intervalNames(RelayProperties props) {
        Set<String> names = new java.util.HashSet<>();
        props.getTimeIntervals().forEach(t -> names.add(t.getName()));
        return Set.copyOf(names);
    }

    /** Validates channels against the given kinds and time interval names (a reload checks both as they will be). */
    public Map<String, Channel> validate(List<ChannelProperties> declared, Map<String, KindSpec> kinds,
                                         Set<String> intervals) {
        Map<String, Channel> out = new LinkedHashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            ChannelProperties p = declared.get(i);
            String where = p.getId() == null || p.getId().isBlank()
                    ? "alert-relay.channels[" + i + "]" : "channel '" + p.getId() + "'";
            Channel c = build(p, where, kinds, intervals);
            if (out.containsKey(c.id())) {
                throw new InvalidChannelConfigException(where + ": id is used by another channel; ids must be unique");
            }
            out.put(c.id(), c);
        }
        return out;
    }

    private Channel build(ChannelProperties p, String where, Map<String, KindSpec> kinds, Set<String> intervals) {
        if (p.getId() == null || p.getId().isBlank()) {
            throw fail(where, "id", "is required");
        }
        if (!ID.matcher(p.getId()).matches()) {
            throw fail(where, "id", "must match [a-z0-9][a-z0-9-]{0,63}, got \"" + p.getId() + "\"");
        }
        if (p.getKind() == null || p.getKind().isBlank()) {
            throw fail(where, "kind", "is required (one of " + String.join(", ", kinds.keySet()) + ")");
        }
        KindSpec kind = kinds.get(p.getKind().trim().toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw fail(where, "kind", "unknown kind \"" + p.getKind() + "\"; known kinds: " + String.join(", ", kinds.keySet()));
        }
        ChannelProperties.Match m = p.getMatch() == null ? new ChannelProperties.Match() : p.getMatch();
        Severity min = null;
        if (m.getMinSeverity() != null) {
            min = Severity.parse(m.getMinSeverity().trim()).orElseThrow(() -> fail(where, "match.min-severity",
                    "must be one of " + Severity.allowed() + ", got \"" + m.getMinSeverity() + "\""));
        }
        Set<String> reasons = oneOfEach(where, "match.reasons", m.getReasons(), Alert.REASONS);
        Set<String> statuses = oneOfEach(where, "match.statuses", m.getStatuses(), Alert.STATUSES);
        RateLimit rate = null;
        if (p.getRateLimit() != null && !p.getRateLimit().isBlank()) {
            try {
                rate = RateLimit.parse(p.getRateLimit());
            } catch (IllegalArgumentException e) {
                throw fail(where, "rate-limit", e.getMessage());
            }
        }
        Map<String, Object> config = config(where, kind, p.getConfig());
        ChannelProperties.Template t = p.getTemplate() == null ? new ChannelProperties.Template() : p.getTemplate();
        String kindTitle = kind.facts().title();
        Template title = compile(where, "template.title", t.getTitle() != null ? t.getTitle()
                : kindTitle != null ? kindTitle : defaultTitle());
        String bodySource;
        String bodyField;
        if (t.getBody() != null && t.getBodyFile() != null) {
            throw fail(where, "template", "set body or body-file, not both");
        } else if (t.getBody() != null) {
            bodySource = t.getBody();
            bodyField = "template.body";
        } else if (t.getBodyFile() != null) {
            bodySource = readFile(where, t.getBodyFile());
            bodyField = "template.body-file";
        } else if (kind.facts().body() != null) {
            bodySource = kind.facts().body();
            bodyField = "default template of " + kind.name();
        } else {
            bodySource = defaultTemplate(kind.name());
            bodyField = "default template of " + kind.name();
        }
        Template body = compile(where, bodyField, bodySource);
        return new Channel(p.getId(), kind, p.isEnabled(), min, new HashSet<>(nonNull(m.getTypes())), reasons,
                statuses, new HashSet<>(nonNull(m.getProjects())),
                m.getLabels() == null ? Map.of() : Map.copyOf(m.getLabels()), rate, title, body, config, noise(p, where, intervals));
    }

    private Channel.Noise noise(ChannelProperties p, String where, Set<String> intervals) {
        List<String> mute = intervalNames(where, "mute-time-intervals", p.getMuteTimeIntervals(), intervals);
        List<String> active = intervalNames(where, "active-time-intervals", p.getActiveTimeIntervals(), intervals);
        String whenMuted = p.getWhenMuted() == null ? "drop" : p.getWhenMuted().trim().toLowerCase(Locale.ROOT);
        if (!whenMuted.equals("drop") && !whenMuted.equals("hold")) {
            throw fail(where, "when-muted", "must be drop or hold, got \"" + p.getWhenMuted() + "\"");
        }
        java.time.Duration repeat = null;
        if (p.getRepeatInterval() != null && !p.getRepeatInterval().isBlank()) {
            try {
                repeat = org.springframework.boot.convert.DurationStyle.detectAndParse(p.getRepeatInterval().trim());
            } catch (IllegalArgumentException e) {
                throw fail(where, "repeat-interval", "must be a duration such as 30m, 4h or 1d, got \""
                        + p.getRepeatInterval() + "\"");
            }
            if (repeat.isNegative() || repeat.isZero()) {
                throw fail(where, "repeat-interval", "must be positive, got \"" + p.getRepeatInterval() + "\"");
            }
        }
        return new Channel.Noise(p.isSilenceable(), mute, active, whenMuted.equals("hold"), repeat, grouping(p, where));
    }

    /** Alertmanager's defaults: group_wait 30s, group_interval 5m. */
    private static Channel.Grouping grouping(ChannelProperties p, String where) {
        List<String> by = new ArrayList<>();
        for (String name : nonNull(p.getGroupBy())) {
            if (name == null || name.isBlank()) {
                throw fail(where, "group-by", "must list label or field names, got an empty one");
            }
            by.add(name.trim());
        }
        if (by.isEmpty()) {
            if (p.getGroupWait() != null || p.getGroupInterval() != null) {
                throw fail(where, p.getGroupWait() != null ? "group-wait" : "group-interval",
                        "needs group-by (the labels or fields whose values make a group)");
            }
            return null;
        }
        java.time.Duration wait = duration(where, "group-wait", p.getGroupWait(), "30s", true);
        java.time.Duration interval = duration(where, "group-interval", p.getGroupInterval(), "5m", false);
        return new Channel.Grouping(List.copyOf(by), wait, interval);
    }

    private static java.time.Duration duration(String where, String field, String given, String fallback, boolean zeroOk) {
        String text = given == null || given.isBlank() ? fallback : given.trim();
        java.time.Duration d;
        try {
            d = org.springframework.boot.convert.DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw fail(where, field, "must be a duration such as 30s, 5m or 1h, got \"" + given + "\"");
        }
        if (d.isNegative() || (!zeroOk && d.isZero())) {
            throw fail(where, field, "must be " + (zeroOk ? "zero or more" : "positive") + ", got \"" + given + "\"");
        }
        return d;
    }

    private static List<String> intervalNames(String where, String field, List<String> names, Set<String> intervals) {
        for (String n : nonNull(names)) {
            if (!intervals.contains(n)) {
                throw fail(where, field, "names an unknown time interval \"" + n + "\" (defined: "
                        + (intervals.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(intervals)))
                        + "; see alert-relay.time-intervals)");
            }
        }
        return List.copyOf(nonNull(names));
    }

    private static String defaultTitle() {
        return "[{{severityUpper}}] {{title}}";
    }

    /** The default message template of a kind: templates/<kind>.md in the jar. */
    public static String defaultTemplate(String kind) {
        try (InputStream in = ChannelRegistry.class.getResourceAsStream("/templates/" + kind + ".md")) {
            if (in == null) {
                return "{{title}}\n\n{{message}}";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readFile(String where, String file) {
        try {
            if (file.startsWith("classpath:")) {
                try (InputStream in = ChannelRegistry.class.getResourceAsStream("/" + file.substring(10).replaceFirst("^/", ""))) {
                    if (in == null) {
                        throw fail(where, "template.body-file", "no such classpath resource: " + file);
                    }
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw fail(where, "template.body-file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Template compile(String where, String field, String source) {
        try {
            return MUSTACHE.compile(source);
        } catch (MustacheException e) {
            throw fail(where, field, "is not a valid template: " + e.getMessage());
        }
    }

    private static Set<String> oneOfEach(String where, String field, List<String> values, String[] allowed) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : nonNull(values)) {
            String lower = v.trim().toLowerCase(Locale.ROOT);
            if (!Arrays.asList(allowed).contains(lower)) {
                throw fail(where, field, "\"" + v + "\" is not one of " + String.join(", ", allowed));
            }
            out.add(lower);
        }
        return out;
    }

    private static <T> List<T> nonNull(List<T> l) {
        return l == null ? List.of() : l;
    }

    private Map<String, Object> config(String where, KindSpec kind, Map<String, Object> raw) {
        Map<String, Object> given = normalize(raw == null ? Map.of() : raw);
        for (String key : given.keySet()) {
            if (kind.param(key).isEmpty()) {
                throw fail(where, "config." + key, "is not a field of kind " + kind.name() + "; its fields are: "
                        + String.join(", ", kind.params().stream().map(Param::name).toList()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param param : kind.params()) {
            Object v = given.get(param.name());
            if (v instanceof String s && s.isBlank()) {
                v = null;
            }
            if (v == null) {
                if (param.required()) {
                    throw fail(where, "config." + param.name(), "is required for kind " + kind.name()
                            + (param.description() == null ? "" : " (" + param.description() + ")"));
                }
                if (param.defaultValue() != null) {
                    out.put(param.name(), param.defaultValue());
                }
                continue;
            }
            out.put(param.name(), coerce(where, "config." + param.name(), param, v));
        }
        checkPublicHeaders(where, kind, out);
        checkRules(where, kind, out);
        return out;
    }

    /** spec.definition.rules: a field needed, or a stricter form, only with another field's value. */
    private static void checkRules(String where, KindSpec kind, Map<String, Object> config) {
        for (ConfigRule rule : kind.rules()) {
            if (!rule.appliesTo(config)) {
                continue;
            }
            for (String field : rule.required()) {
                if (config.get(field) == null) {
                    throw fail(where, "config." + field, "is required with " + rule.condition());
                }
            }
            for (Param check : rule.checks()) {
                if (!(config.get(check.name()) instanceof String value)) {
                    continue;
                }
                try {
                    checkLength(where, "config." + check.name(), check, value);
                    checkPattern(where, "config." + check.name(), check, value);
                } catch (InvalidChannelConfigException e) {
                    throw check.description() != null
                            ? fail(where, "config." + check.name(), "must be " + check.description() + " for " + rule.condition())
                            : new InvalidChannelConfigException(e.getMessage() + " for " + rule.condition());
                }
            }
        }
    }

    /** A misspelt public header would leave the header masked and the operator wondering why. */
    @SuppressWarnings("unchecked")
    private static void checkPublicHeaders(String where, KindSpec kind, Map<String, Object> config) {
        List<String> names = (List<String>) config.getOrDefault(Channel.PUBLIC_HEADERS, List.of());
        Set<String> headers = new HashSet<>();
        for (Param p : kind.params()) {
            if (p.type() == Param.Type.HEADERS && config.get(p.name()) instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> headers.add(k.toString().toLowerCase(Locale.ROOT)));
            }
        }
        for (String name : names) {
            if (!headers.contains(name.toLowerCase(Locale.ROOT))) {
                throw fail(where, "config." + Channel.PUBLIC_HEADERS, "names \"" + name
                        + "\", which is not one of the channel's headers");
            }
        }
    }

    private static Object coerce(String where, String field, Param p, Object v) {
        Object value = coerceType(where, field, p, v);
        if (value instanceof String s) {
            checkLength(where, field, p, s);
            checkPattern(where, field, p, s);
        }
        return value;
    }

    private static void checkPattern(String where, String field, Param p, String s) {
        if (p.pattern() != null && !Pattern.compile(p.pattern()).matcher(s).matches()) {
            throw fail(where, field, "must match " + p.pattern() + (p.secret() ? "" : ", got \"" + s + "\""));
        }
    }

    /** The value itself is never echoed: the field may be a secret. */
    private static void checkLength(String where, String field, Param p, String s) {
        int n = s.length();
        boolean tooShort = p.minLength() != null && n < p.minLength();
        boolean tooLong = p.maxLength() != null && n > p.maxLength();
        if (!tooShort && !tooLong) {
            return;
        }
        String rule = p.minLength() != null && p.minLength().equals(p.maxLength()) ? "exactly " + p.minLength()
                : p.maxLength() == null ? "at least " + p.minLength()
                : p.minLength() == null ? "at most " + p.maxLength()
                : p.minLength() + " to " + p.maxLength();
        throw fail(where, field, "must be " + rule + " characters long, got " + n);
    }

    private static Object coerceType(String where, String field, Param p, Object v) {
        switch (p.type()) {
            case STRING:
                if (v instanceof Map || v instanceof List) {
                    throw fail(where, field, "must be a single value");
                }
                return v.toString();
            case URL:
                return url(where, field, v.toString(), p.secret());
            case EMAIL: {
                String s = v.toString().trim();
                if (!EMAIL.matcher(s).matches()) {
                    throw fail(where, field, "must be an e-mail address, got \"" + s + "\"");
                }
                return s;
            }
            case LIST:
            case EMAILS: {
                List<String> items = new ArrayList<>();
                if (v instanceof List<?> l) {
                    l.forEach(x -> items.add(String.valueOf(x).trim()));
                } else {
                    for (String s : v.toString().split(",")) {
                        if (!s.isBlank()) {
                            items.add(s.trim());
                        }
                    }
                }
                for (String s : items) {
                    if (p.type() == Param.Type.EMAILS && !EMAIL.matcher(s).matches()) {
                        throw fail(where, field, "\"" + s + "\" is not an e-mail address");
                    }
                    // a list's pattern is its items' (items.pattern in a kind file)
                    if (p.pattern() != null && !Pattern.compile(p.pattern()).matcher(s).matches()) {
                        throw fail(where, field, "\"" + s + "\" must match " + p.pattern()
                                + (p.description() == null ? "" : " (" + p.description() + ")"));
                    }
                }
                if (p.required() && items.isEmpty()) {
                    throw fail(where, field, "needs at least one entry");
                }
                return List.copyOf(items);
            }
            case MAP:
            case HEADERS: {
                if (!(v instanceof Map<?, ?> m)) {
                    throw fail(where, field, "must be a map of names to values");
                }
                Map<String, String> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
                return out;
            }
            case BOOLEAN: {
                String s = v.toString().trim().toLowerCase(Locale.ROOT);
                if (!s.equals("true") && !s.equals("false")) {
                    throw fail(where, field, "must be true or false, got \"" + v + "\"");
                }
                return Boolean.parseBoolean(s);
            }
            case INTEGER:
                try {
                    return Integer.parseInt(v.toString().trim());
                } catch (NumberFormatException e) {
                    throw fail(where, field, "must be a whole number, got \"" + v + "\"");
                }
            case ENUM: {
                String s = v.toString().trim();
                for (String a : p.allowed()) {
                    if (a.equalsIgnoreCase(s)) {
                        return a;
                    }
                }
                throw fail(where, field, "must be one of " + String.join(", ", p.allowed()) + ", got \"" + s + "\"");
            }
            default:
                throw new IllegalStateException(p.type().name());
        }
    }

    private static String url(String where, String field, String s, boolean secret) {
        try {
            URI uri = new URI(s.trim());
            // camel-http refuses such a URL at every request (a 'connection' failure that would also open the
            // channel's breaker), and the password would show wherever the URL does; never echoed
            String authority = uri.getRawAuthority();
            if (authority != null && authority.contains("@")) {
                throw fail(where, field, "must not carry a user name or password (user:password@host); "
                        + "give credentials in the kind's own fields or a secret header");
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                // a secret URL (chat webhooks carry their token in it) is never echoed into logs or API answers
                throw fail(where, field, "must be an absolute http(s) URL"
                        + (secret ? "" : ", got \"" + Masking.url(s) + "\""));
            }
            return s.trim();
        } catch (java.net.URISyntaxException e) {
            throw fail(where, field, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    /**
     * Spring binds YAML lists inside a Map&lt;String, Object&gt; as maps keyed "0", "1", … or as keys like
     * "to[0]"; both are turned back into lists here.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalize(Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, Object>> indexed = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            Matcher m = INDEXED.matcher(k);
            if (m.matches()) {
                indexed.computeIfAbsent(m.group(1), x -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), v);
            } else {
                out.put(k, v instanceof Map<?, ?> map ? listIfIndexed((Map<String, Object>) map) : v);
            }
        });
        indexed.forEach((k, v) -> out.put(k, new ArrayList<>(v.values())));
        return out;
    }

    private static Object listIfIndexed(Map<String, Object> map) {
        if (!map.isEmpty() && map.keySet().stream().allMatch(k -> k.matches("\\d+"))) {
            TreeMap<Integer, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(Integer.parseInt(k), v));
            return new ArrayList<>(sorted.values());
        }
        return normalize(map);
    }

    private static InvalidChannelConfigException fail(String where, String field, String message) {
        return new InvalidChannelConfigException(where + ": " + field + " " + message);
    }
}
