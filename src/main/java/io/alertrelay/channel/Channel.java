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

    Channel(String id, KindSpec kind, boolean enabled, Severity minSeverity, Set<String> types, Set<String> reasons,
            Set<String> statuses, Set<String> projects, Map<String, String> labels, RateLimit rateLimit,
            Template title, Template body, Map<String, Object> config) {
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
        if (minSeverity != null && !a.severityLevel().atLeast(minSeverity)) {
            return false;
        }
        if (!types.isEmpty() && (a.type() == null || !types.contains(a.type()))) {
            return false;
        }
        if (!reasons.isEmpty() && !reasons.contains(a.reason())) {
            return false;
        }
        if (!statuses.isEmpty() && !statuses.contains(a.status())) {
            return false;
        }
        if (!projects.isEmpty() && (a.project() == null || !projects.contains(a.project()))) {
            return false;
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (a.labels() == null || !l.getValue().equals(a.labels().get(l.getKey()))) {
                return false;
            }
        }
        return true;
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

    /** The config as shown to operators: secrets replaced by a fixed mask. */
    public Map<String, Object> maskedConfig() {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, kind.param(k).map(Param::secret).orElse(false) ? "********" : v));
        return out;
    }

    /**
     * Every secret value of this channel, so messages and previews can blank them out, longest first.
     * A secret URL (a chat webhook) is a secret in its parts too: a proxy's error page may echo just its
     * path, so the path and each long path segment or query value are listed as well.
     */
    public List<String> secretValues() {
        Set<String> out = new java.util.HashSet<>();
        for (Param p : kind.params()) {
            String value = p.secret() ? string(p.name()) : null;
            if (value == null || value.isEmpty()) {
                continue;
            }
            out.add(value);
            if (p.type() == Param.Type.URL) {
                out.addAll(urlParts(value));
            }
        }
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
