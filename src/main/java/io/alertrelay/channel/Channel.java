package io.alertrelay.channel;

import com.samskivert.mustache.Template;
import io.alertrelay.alert.Alert;
import io.alertrelay.alert.Severity;
import io.alertrelay.delivery.TemplateModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A validated channel: typed config, compiled templates and the match rule. */
public final class Channel {

    /** The config field listing the extra headers (of a HEADERS field) whose values are not secret. */
    public static final String PUBLIC_HEADERS = "public-headers";

    private final String id;
    private final KindSpec kind;
    private final boolean enabled;
    private final Severity minSeverity;
    private final Set<String> types;
    private final Set<String> reasons;
    private final Set<String> statuses;
    private final Set<String> projects;
    private final Map<String, String> labels;
    private final RateLimit rateLimit;
    private final Template title;
    private final Template body;
    private final Map<String, Object> config;
    private final Noise noise;

    /**
     * Noise control of the channel: whether silences and inhibit rules apply to it (an audit channel that
     * must receive everything opts out), its mute and active time intervals and what a muted delivery does
     * (hold: wait for the interval's end; otherwise dropped as suppressed), and its repeat interval (null:
     * every repeat is sent).
     */
    public record Noise(boolean silenceable, List<String> muteTimeIntervals, List<String> activeTimeIntervals,
                        boolean holdWhenMuted, java.time.Duration repeatInterval) {

        public static final Noise NONE = new Noise(true, List.of(), List.of(), false, null);
    }

    Channel(String id, KindSpec kind, boolean enabled, Severity minSeverity, Set<String> types, Set<String> reasons,
            Set<String> statuses, Set<String> projects, Map<String, String> labels, RateLimit rateLimit,
            Template title, Template body, Map<String, Object> config) {
        this(id, kind, enabled, minSeverity, types, reasons, statuses, projects, labels, rateLimit, title, body, config,
                Noise.NONE);
    }

    Channel(String id, KindSpec kind, boolean enabled, Severity minSeverity, Set<String> types, Set<String> reasons,
            Set<String> statuses, Set<String> projects, Map<String, String> labels, RateLimit rateLimit,
            Template title, Template body, Map<String, Object> config, Noise noise) {
        this.noise = noise;
        this.id = id;
        this.kind = kind;
        this.enabled = enabled;
        this.minSeverity = minSeverity;
        this.types = types;
        this.reasons = reasons;
        this.statuses = statuses;
        this.projects = projects;
        this.labels = labels;
        this.rateLimit = rateLimit;
        this.title = title;
        this.body = body;
        this.config = config;
    }

    public String id() { return id; }
    public String kind() { return kind.name(); }
    public KindSpec spec() { return kind; }
    public boolean enabled() { return enabled; }
    public RateLimit rateLimit() { return rateLimit; }
    public Noise noise() { return noise; }

    /** The validated config, secrets included: for building requests, never for showing. */
    public Map<String, Object> config() { return java.util.Collections.unmodifiableMap(config); }

    /** The match rule as declared (kebab-case keys, as in application.yaml); only the given conditions. */
    public Map<String, Object> matchRule() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (minSeverity != null) {
            out.put("min-severity", minSeverity.wire());
        }
        putIfAny(out, "types", types);
        putIfAny(out, "reasons", reasons);
        putIfAny(out, "statuses", statuses);
        putIfAny(out, "projects", projects);
        if (!labels.isEmpty()) {
            out.put("labels", new java.util.TreeMap<>(labels));
        }
        return out;
    }

    private static void putIfAny(Map<String, Object> out, String key, Set<String> values) {
        if (!values.isEmpty()) {
            out.put(key, values.stream().sorted().toList());
        }
    }

    /** All given conditions must hold; an empty condition matches everything. */
    public boolean matches(Alert a) {
        return mismatch(a) == null;
    }

    /** The first condition of the match rule the alert fails, in words ("why was I not notified?"); null if it matches. */
    public String mismatch(Alert a) {
        if (minSeverity != null && !a.severityLevel().atLeast(minSeverity)) {
            return "min-severity: " + a.severity() + " is below " + minSeverity.wire();
        }
        if (!types.isEmpty() && (a.type() == null || !types.contains(a.type()))) {
            return "types: " + (a.type() == null ? "the alert has no type" : a.type() + " is not one of " + sorted(types));
        }
        if (!reasons.isEmpty() && !reasons.contains(a.reason())) {
            return "reasons: " + a.reason() + " is not one of " + sorted(reasons);
        }
        if (!statuses.isEmpty() && !statuses.contains(a.status())) {
            return "statuses: " + a.status() + " is not one of " + sorted(statuses);
        }
        if (!projects.isEmpty() && (a.project() == null || !projects.contains(a.project()))) {
            return "projects: " + (a.project() == null ? "the alert has no project" : a.project() + " is not one of "
                    + sorted(projects));
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            String actual = a.labels() == null ? null : a.labels().get(l.getKey());
            if (!l.getValue().equals(actual)) {
                return "labels." + l.getKey() + ": " + (actual == null ? "the alert has no such label"
                        : "\"" + actual + "\" is not \"" + l.getValue() + "\"");
            }
        }
        return null;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    public String renderTitle(Alert alert) {
        return title.execute(TemplateModel.of(alert, this));
    }

    public String renderBody(Alert alert) {
        return body.execute(TemplateModel.of(alert, this));
    }

    public String string(String key) {
        Object v = config.get(key);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        Object v = config.get(key);
        return v == null ? List.of() : (List<String>) v;
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> map(String key) {
        Object v = config.get(key);
        return v == null ? Map.of() : (Map<String, String>) v;
    }

    public boolean bool(String key) {
        return Boolean.TRUE.equals(config.get(key));
    }

    public Integer integer(String key) {
        Object v = config.get(key);
        return v == null ? null : (Integer) v;
    }

    /**
     * The config as shown to operators: declared secrets replaced by a fixed mask, URLs with their
     * userinfo and query values masked, extra header values masked unless listed as public.
     */
    public Map<String, Object> maskedConfig() {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            Param p = kind.param(k).orElse(null);
            if (p != null && p.secret()) {
                out.put(k, Masking.MASK);
            } else if (p != null && p.type() == Param.Type.URL) {
                out.put(k, Masking.url(v.toString()));
            } else if (p != null && p.type() == Param.Type.HEADERS) {
                Map<String, String> headers = new LinkedHashMap<>();
                map(k).forEach((name, value) -> headers.put(name, isPublicHeader(name) ? value : Masking.MASK));
                out.put(k, headers);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * True for a header this channel sends from a HEADERS field whose value is secret (every one not
     * listed in public-headers), so a preview masks it whatever its name.
     */
    public boolean hidesHeader(String name) {
        for (Param p : kind.params()) {
            if (p.type() == Param.Type.HEADERS && map(p.name()).keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                return !isPublicHeader(name);
            }
        }
        return false;
    }

    private boolean isPublicHeader(String name) {
        return list(PUBLIC_HEADERS).stream().anyMatch(name::equalsIgnoreCase);
    }

    /**
     * Every value of this channel that may be secret, so messages, vendor answers and previews can blank
     * them out, longest first: declared secrets, the query values of every URL, and the values of extra
     * headers not listed as public. A secret URL (a chat webhook) is a secret in its parts too: a proxy's
     * error page may echo just its path, so the path and each long path segment or query value are
     * listed as well.
     */
    public List<String> secretValues() {
        Set<String> out = new java.util.HashSet<>();
        for (Param p : kind.params()) {
            if (p.type() == Param.Type.HEADERS) {
                map(p.name()).forEach((name, value) -> {
                    if (!isPublicHeader(name)) {
                        out.add(value);
                    }
                });
                continue;
            }
            String value = string(p.name());
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (p.type() == Param.Type.URL) {
                out.addAll(Masking.queryValues(value));
            }
            if (!p.secret()) {
                continue;
            }
            out.add(value);
            // a Standard Webhooks secret may be echoed without its whsec_ prefix
            if (value.startsWith("whsec_")) {
                out.add(value.substring("whsec_".length()));
            }
            if (p.type() == Param.Type.URL) {
                out.addAll(urlParts(value));
            }
        }
        out.removeIf(v -> v == null || v.isEmpty());
        return out.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static List<String> urlParts(String url) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        List<String> parts = new java.util.ArrayList<>();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery();
        String tail = path + (query == null ? "" : "?" + query);
        if (tail.length() > 1) {
            parts.add(tail);
        }
        // tokens are long; short words like "services" or "api" would mask harmless text
        for (String piece : tail.split("[/?&=]")) {
            if (piece.length() >= 16) {
                parts.add(piece);
            }
        }
        return parts;
    }
}
