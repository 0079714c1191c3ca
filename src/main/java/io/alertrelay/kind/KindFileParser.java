package io.alertrelay.kind;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.samskivert.mustache.Template;
import io.alertrelay.channel.ConfigRule;
import io.alertrelay.channel.KindFacts;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param;
import io.alertrelay.channel.RateLimit;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.delivery.VendorErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a kind file: a Kamelet-like declaration document (apiVersion, kind: Kind, metadata.name,
 * spec.definition with the config properties, plus the kind's facts and requests) and, after a "---",
 * the Camel YAML DSL document with the route deliver-&lt;kind&gt;. Every mistake is one line naming
 * the file and the field.
 */
final class KindFileParser {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
    private static final Set<String> SPEC_KEYS = Set.of("definition", "rate-limit", "template", "errors", "test",
            "keeps-state", "can-digest", "requests", "texts", "signatures", "remember");
    private static final Set<String> PROPERTY_KEYS = Set.of("title", "description", "type", "required", "default",
            "enum", "pattern", "format", "example", "items", "minLength", "maxLength");

    private KindFileParser() {}

    /**
     * @param name the kind's name (the file's base name)
     * @param location where the file is, for messages and for Camel
     * @param siblings reads a file beside the kind file (template.body-file)
     */
    static KindFile parse(String name, String location, String text, Function<String, String> siblings) {
        String file = location;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidKindException(file, null, "the file name must be <kind>.yaml with a kind matching "
                    + NAME.pattern());
        }
        String[] docs = SEPARATOR.split(text, -1);
        Map<?, ?> declaration = null;
        StringBuilder routes = new StringBuilder();
        boolean hasRoutes = false;
        for (int i = 0; i < docs.length; i++) {
            String doc = docs[i];
            Object parsed;
            try {
                parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(doc);
            } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
                int line = e.getProblemMark() == null ? -1 : e.getProblemMark().getLine() + 1 + lineOffset(docs, i);
                throw new InvalidKindException(file, null, "is not valid YAML" + (line > 0 ? " at line " + line : "") + ": "
                        + oneLine(e.getProblem()));
            } catch (YAMLException e) {
                throw new InvalidKindException(file, null, "is not valid YAML: " + oneLine(e.getMessage()));
            }
            boolean isDeclaration = parsed instanceof Map<?, ?> m && m.containsKey("spec");
            if (isDeclaration) {
                if (declaration != null) {
                    throw new InvalidKindException(file, null, "declares its kind twice");
                }
                declaration = (Map<?, ?>) parsed;
                // kept as blank lines: Camel's messages about the route then name the right line
                routes.append("\n".repeat(lines(doc)));
            } else {
                hasRoutes |= parsed != null;
                routes.append(doc);
            }
            if (i < docs.length - 1) {
                routes.append("\n");
            }
        }
        if (!hasRoutes) {
            throw new InvalidKindException(file, null, "has no route; add the route deliver-" + name
                    + " after the declaration, separated by ---");
        }
        if (declaration == null) {
            return new KindFile(name, location, null, Map.of(), Map.of(), Map.of(), routes.toString(), Map.of());
        }
        return declared(name, file, declaration, routes.toString(), siblings);
    }

    /** Lines before document i (a document after --- starts on the separator line). */
    private static int lineOffset(String[] docs, int i) {
        int n = 0;
        for (int d = 0; d < i; d++) {
            n += lines(docs[d]);
        }
        return n;
    }

    private static int lines(String doc) {
        return (int) doc.chars().filter(c -> c == '\n').count();
    }

    private static KindFile declared(String name, String file, Map<?, ?> doc, String routes, Function<String, String> siblings) {
        Object kind = doc.get("kind");
        if (kind != null && !"Kind".equals(kind)) {
            throw new InvalidKindException(file, "kind", "must be Kind, got \"" + kind + "\"");
        }
        Map<?, ?> metadata = map(file, "metadata", doc.get("metadata"));
        if (metadata.get("name") != null && !name.equals(String.valueOf(metadata.get("name")))) {
            throw new InvalidKindException(file, "metadata.name", "must be the file's name \"" + name + "\", got \""
                    + metadata.get("name") + "\"");
        }
        Map<?, ?> spec = map(file, "spec", doc.get("spec"));
        InvalidKindException.requireKnownKeys(file, "spec", spec, SPEC_KEYS, "kind");
        Map<?, ?> definition = map(file, "spec.definition", spec.get("definition"));
        String description = definition.get("description") == null
                ? (definition.get("title") == null ? name : String.valueOf(definition.get("title")))
                : String.valueOf(definition.get("description")).strip();
        List<Param> params = params(file, definition);
        List<ConfigRule> rules = rules(file, definition, params);

        String rateLimit = null;
        if (spec.get("rate-limit") != null) {
            rateLimit = String.valueOf(spec.get("rate-limit"));
            try {
                RateLimit.parse(rateLimit);
            } catch (IllegalArgumentException e) {
                throw new InvalidKindException(file, "spec.rate-limit", e.getMessage());
            }
        }
        Map<?, ?> template = map(file, "spec.template", spec.get("template"));
        String title = template.get("title") == null ? null : String.valueOf(template.get("title"));
        String body = template.get("body") == null ? null : String.valueOf(template.get("body"));
        if (template.get("body-file") != null) {
            if (body != null) {
                throw new InvalidKindException(file, "spec.template", "set body or body-file, not both");
            }
            String sibling = String.valueOf(template.get("body-file"));
            body = siblings.apply(sibling);
            if (body == null) {
                throw new InvalidKindException(file, "spec.template.body-file", "cannot read " + sibling + " beside the kind file");
            }
        }
        for (Map.Entry<String, String> t : Map.of("spec.template.title", title == null ? "" : title,
                "spec.template.body", body == null ? "" : body).entrySet()) {
            try {
                RequestTemplate.MUSTACHE.compile(t.getValue());
            } catch (RuntimeException e) {
                throw new InvalidKindException(file, t.getKey(), "is not a valid template: " + oneLine(e.getMessage()));
            }
        }
        VendorErrors errors = errors(file, map(file, "spec.errors", spec.get("errors")));
        Map<?, ?> test = map(file, "spec.test", spec.get("test"));
        Object then = test.get("then");
        if (then != null && !"resolve".equals(then)) {
            throw new InvalidKindException(file, "spec.test.then", "must be resolve (or left out), got \"" + then + "\"");
        }
        Map<String, Template> remember = remember(file, map(file, "spec.remember", spec.get("remember")));
        KindFacts facts = new KindFacts(rateLimit, title, body, errors, "resolve".equals(then),
                bool(file, "spec.keeps-state", spec.get("keeps-state")) || !remember.isEmpty(),
                bool(file, "spec.can-digest", spec.get("can-digest")), file);

        Map<String, RequestTemplate> requests = new LinkedHashMap<>();
        map(file, "spec.requests", spec.get("requests")).forEach((k, v) ->
                requests.put(String.valueOf(k), RequestTemplate.compile(file, "spec.requests." + k, v)));
        Map<String, Template> texts = new LinkedHashMap<>();
        map(file, "spec.texts", spec.get("texts")).forEach((k, v) -> {
            try {
                texts.put(String.valueOf(k), RequestTemplate.MUSTACHE.compile(String.valueOf(v)));
            } catch (RuntimeException e) {
                throw new InvalidKindException(file, "spec.texts." + k, "is not a valid template: " + oneLine(e.getMessage()));
            }
        });
        Map<String, Signature> signatures = new LinkedHashMap<>();
        map(file, "spec.signatures", spec.get("signatures")).forEach((k, v) ->
                signatures.put(String.valueOf(k), Signature.compile(file, "spec.signatures." + k, v)));
        return new KindFile(name, file, new KindSpec(name, description, params, facts, rules), requests, texts,
                signatures, routes, remember);
    }

    /**
     * spec.remember: what kind.remember keeps per channel and fingerprint after the vendor took a request
     * (external_refs, as the Jira and GitHub lifecycles keep theirs): ref, and optionally state and url, each
     * a Mustache template over the kind variables plus answer (status, text, json) and sent (json).
     */
    private static Map<String, Template> remember(String file, Map<?, ?> remember) {
        Map<String, Template> out = new LinkedHashMap<>();
        if (remember.isEmpty()) {
            return out;
        }
        if (remember.get("ref") == null) {
            throw new InvalidKindException(file, "spec.remember.ref", "is required: the value to keep, e.g. an incident key from the answer");
        }
        remember.forEach((k, v) -> {
            if (!List.of("ref", "state", "url").contains(String.valueOf(k))) {
                throw new InvalidKindException(file, "spec.remember." + k, "is not a field of remember; use ref, state or url");
            }
            try {
                out.put(String.valueOf(k), RequestTemplate.MUSTACHE.compile(String.valueOf(v)));
            } catch (RuntimeException e) {
                throw new InvalidKindException(file, "spec.remember." + k, "is not a valid template: " + oneLine(e.getMessage()));
            }
        });
        return out;
    }

    private static List<Param> params(String file, Map<?, ?> definition) {
        Set<String> required = new LinkedHashSet<>();
        Object req = definition.get("required");
        if (req instanceof List<?> l) {
            l.forEach(x -> required.add(String.valueOf(x)));
        } else if (req != null) {
            throw new InvalidKindException(file, "spec.definition.required", "must be a list of property names");
        }
        Map<?, ?> properties = map(file, "spec.definition.properties", definition.get("properties"));
        for (String r : required) {
            if (!properties.containsKey(r)) {
                throw new InvalidKindException(file, "spec.definition.required", "names \"" + r + "\", which is not a property");
            }
        }
        List<Param> out = new ArrayList<>();
        properties.forEach((k, v) -> {
            String field = "spec.definition.properties." + k;
            out.add(param(file, field, String.valueOf(k), map(file, field, v), required.contains(String.valueOf(k))));
        });
        return out;
    }

    private static Param param(String file, String field, String name, Map<?, ?> p, boolean listedRequired) {
        InvalidKindException.requireKnownKeys(file, field, p, PROPERTY_KEYS, "property");
        String type = p.get("type") == null ? "string" : String.valueOf(p.get("type"));
        String format = p.get("format") == null ? null : String.valueOf(p.get("format"));
        boolean required = listedRequired || bool(file, field + ".required", p.get("required"));
        Object dflt = p.get("default");
        String description = p.get("description") != null ? String.valueOf(p.get("description")).strip()
                : p.get("title") == null ? null : String.valueOf(p.get("title"));
        List<String> allowed = List.of();
        Param.Type t;
        if (p.get("enum") != null) {
            if (!(p.get("enum") instanceof List<?> values) || values.isEmpty()) {
                throw new InvalidKindException(file, field + ".enum", "must be a list of allowed values");
            }
            allowed = values.stream().map(String::valueOf).toList();
            t = Param.Type.ENUM;
        } else {
            t = switch (type) {
                case "string" -> format == null || format.equals("password") ? Param.Type.STRING
                        : switch (format) {
                            case "url", "secret-url" -> Param.Type.URL;
                            case "email" -> Param.Type.EMAIL;
                            default -> throw new InvalidKindException(file, field + ".format",
                                    "must be url, email, password or secret-url, got \"" + format + "\"");
                        };
                case "integer" -> Param.Type.INTEGER;
                case "boolean" -> Param.Type.BOOLEAN;
                // extra HTTP headers: their values are masked unless the channel lists them in public-headers
                case "object" -> "headers".equals(format) ? Param.Type.HEADERS : Param.Type.MAP;
                case "array" -> {
                    Map<?, ?> items = map(file, field + ".items", p.get("items"));
                    for (Object k : items.keySet()) {
                        if (!List.of("format", "pattern").contains(String.valueOf(k))) {
                            throw new InvalidKindException(file, field + ".items." + k, "is not an items field; use format or pattern");
                        }
                    }
                    yield "email".equals(items.get("format")) ? Param.Type.EMAILS : Param.Type.LIST;
                }
                default -> throw new InvalidKindException(file, field + ".type",
                        "must be string, integer, boolean, array or object, got \"" + type + "\"");
            };
        }
        if (format != null && !type.equals("string") && !(type.equals("object") && format.equals("headers"))) {
            throw new InvalidKindException(file, field + ".format", "applies to type string only (and headers to type object)");
        }
        boolean secret = "password".equals(format) || "secret-url".equals(format);
        Integer min = integer(file, field + ".minLength", p.get("minLength"));
        Integer max = integer(file, field + ".maxLength", p.get("maxLength"));
        String pattern = p.get("pattern") == null ? null : String.valueOf(p.get("pattern"));
        if (t == Param.Type.LIST || t == Param.Type.EMAILS) {
            if (pattern != null) {
                throw new InvalidKindException(file, field + ".pattern", "of an array applies to its items: write items: {pattern: …}");
            }
            Object items = map(file, field + ".items", p.get("items")).get("pattern");
            pattern = items == null ? null : String.valueOf(items);
        }
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new InvalidKindException(file, field + ".pattern", "is not a valid regular expression: " + oneLine(e.getDescription()));
            }
        }
        if (dflt != null && t == Param.Type.ENUM && !allowed.contains(String.valueOf(dflt))) {
            throw new InvalidKindException(file, field + ".default", "\"" + dflt + "\" is not one of its enum values");
        }
        if (dflt instanceof Map<?, ?> m) {
            Map<String, String> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
            dflt = copy;
        } else if (dflt instanceof List<?> l) {
            dflt = l.stream().map(String::valueOf).toList();
        } else if (dflt != null && t == Param.Type.INTEGER) {
            dflt = integer(file, field + ".default", dflt);
        } else if (dflt != null && t == Param.Type.BOOLEAN) {
            dflt = bool(file, field + ".default", dflt);
        } else if (dflt != null) {
            dflt = String.valueOf(dflt);
        }
        return new Param(name, t, required, dflt, secret, allowed, description, min, max, pattern);
    }

    /**
     * spec.definition.rules, JSON Schema's if/then with the condition as values:
     * {if: {signature-scheme: standard-webhooks}, then: {required: [signing-secret], properties:
     * {signing-secret: {pattern: …, description: what it must be}}}}.
     */
    private static List<ConfigRule> rules(String file, Map<?, ?> definition, List<Param> params) {
        Object raw = definition.get("rules");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw new InvalidKindException(file, "spec.definition.rules", "must be a list of {if, then}");
        }
        Map<String, Param> byName = new LinkedHashMap<>();
        params.forEach(p -> byName.put(p.name(), p));
        List<ConfigRule> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "spec.definition.rules[" + i + "]";
            Map<?, ?> rule = map(file, field, list.get(i));
            if (!Set.of("if", "then").equals(rule.keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()))) {
                throw new InvalidKindException(file, field, "needs if (property values) and then (required, properties)");
            }
            Map<String, String> when = new LinkedHashMap<>();
            map(file, field + ".if", rule.get("if")).forEach((k, v) -> {
                Param p = property(file, field + ".if", byName, k);
                if (v instanceof Map || v instanceof List || v == null) {
                    throw new InvalidKindException(file, field + ".if." + k, "must be a single value");
                }
                if (p.type() == Param.Type.ENUM && !p.allowed().contains(String.valueOf(v))) {
                    throw new InvalidKindException(file, field + ".if." + k, "\"" + v + "\" is not one of its enum values");
                }
                when.put(String.valueOf(k), String.valueOf(v));
            });
            if (when.isEmpty()) {
                throw new InvalidKindException(file, field + ".if", "names no property");
            }
            Map<?, ?> then = map(file, field + ".then", rule.get("then"));
            for (Object k : then.keySet()) {
                if (!List.of("required", "properties").contains(String.valueOf(k))) {
                    throw new InvalidKindException(file, field + ".then." + k, "is not a field of then; use required or properties");
                }
            }
            List<String> required = new ArrayList<>();
            if (then.get("required") instanceof List<?> names) {
                names.forEach(n -> required.add(property(file, field + ".then.required", byName, n).name()));
            } else if (then.get("required") != null) {
                throw new InvalidKindException(file, field + ".then.required", "must be a list of property names");
            }
            List<Param> checks = new ArrayList<>();
            map(file, field + ".then.properties", then.get("properties")).forEach((k, v) -> {
                String at = field + ".then.properties." + k;
                Param p = property(file, field + ".then.properties", byName, k);
                Map<?, ?> check = map(file, at, v);
                for (Object key : check.keySet()) {
                    if (!List.of("pattern", "minLength", "maxLength", "description").contains(String.valueOf(key))) {
                        throw new InvalidKindException(file, at + "." + key, "is not a check; use pattern, minLength, maxLength or description");
                    }
                }
                // the property's own type and secrecy: a refusal never echoes a secret
                Param rules = param(file, at, p.name(), check, false);
                checks.add(new Param(p.name(), p.type(), false, null, p.secret(), List.of(),
                        check.get("description") == null ? null : rules.description(), rules.minLength(), rules.maxLength(), rules.pattern()));
            });
            out.add(new ConfigRule(when, required, checks));
        }
        return out;
    }

    private static Param property(String file, String field, Map<String, Param> byName, Object name) {
        Param p = byName.get(String.valueOf(name));
        if (p == null) {
            throw new InvalidKindException(file, field, "names \"" + name + "\", which is not a property");
        }
        return p;
    }

    /**
     * spec.errors: message (a JSONPath into the vendor's JSON answer, or a Mustache template over the
     * answer: status, text, json, explained, fieldError), explain (answer texts to words an operator can act on, for
     * vendors that answer with a bare code), retryable-statuses and refusal (a 2xx answer that says it failed).
     */
    private static VendorErrors errors(String file, Map<?, ?> errors) {
        for (Object k : errors.keySet()) {
            if (!List.of("message", "explain", "retryable-statuses", "refusal").contains(String.valueOf(k))) {
                throw new InvalidKindException(file, "spec.errors." + k, "is not a field of errors; use message, explain, retryable-statuses or refusal");
            }
        }
        JsonPath path = null;
        Template template = null;
        String source = errors.get("message") == null ? null : String.valueOf(errors.get("message"));
        if (source != null && source.strip().startsWith("$")) {
            try {
                path = JsonPath.compile(source);
            } catch (RuntimeException e) {
                throw new InvalidKindException(file, "spec.errors.message", "is not a valid JSONPath: " + oneLine(e.getMessage()));
            }
        } else if (source != null) {
            try {
                template = RequestTemplate.MUSTACHE.compile(source);
            } catch (RuntimeException e) {
                throw new InvalidKindException(file, "spec.errors.message", "is not a valid template: " + oneLine(e.getMessage()));
            }
        }
        Map<String, String> explain = new LinkedHashMap<>();
        map(file, "spec.errors.explain", errors.get("explain")).forEach((k, v) -> explain.put(String.valueOf(k), String.valueOf(v)));
        Set<Integer> retryable = new LinkedHashSet<>();
        Object statuses = errors.get("retryable-statuses");
        if (statuses instanceof List<?> l) {
            for (Object s : l) {
                Integer status = integer(file, "spec.errors.retryable-statuses", s);
                if (status < 400 || status > 599) {
                    throw new InvalidKindException(file, "spec.errors.retryable-statuses", "must be HTTP error statuses (400..599), got " + status);
                }
                retryable.add(status);
            }
        } else if (statuses != null) {
            throw new InvalidKindException(file, "spec.errors.retryable-statuses", "must be a list of HTTP statuses");
        }
        Pattern refusal = null;
        if (errors.get("refusal") != null) {
            try {
                refusal = Pattern.compile(String.valueOf(errors.get("refusal")));
            } catch (PatternSyntaxException e) {
                throw new InvalidKindException(file, "spec.errors.refusal", "is not a valid regular expression: " + oneLine(e.getDescription()));
            }
        }
        JsonPath message = path;
        Template words = template;
        Set<Integer> extra = Set.copyOf(retryable);
        Pattern refused = refusal;
        return new VendorErrors() {
            @Override
            public String describeError(VendorAnswer answer) {
                if (words != null) {
                    String out = words.execute(KindVariables.ofAnswer(answer, explain)).strip();
                    return out.isEmpty() ? null : out;
                }
                if (message == null || answer.json() == null) {
                    return null;
                }
                try {
                    Object v = message.read(answer.text());
                    if (v instanceof List<?> l) {
                        v = l.isEmpty() ? null : l.size() == 1 ? l.get(0) : String.join("; ", l.stream().map(String::valueOf).toList());
                    }
                    return v == null || v.toString().isBlank() ? null : v.toString();
                } catch (PathNotFoundException notThere) {
                    return null;
                }
            }

            @Override
            public Set<Integer> retryableStatuses() {
                return extra;
            }

            @Override
            public Pattern refusal() {
                return refused;
            }
        };
    }

    private static Map<?, ?> map(String file, String field, Object v) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new InvalidKindException(file, field, "must be a map");
        }
        return m;
    }

    private static boolean bool(String file, String field, Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new InvalidKindException(file, field, "must be true or false, got \"" + v + "\"");
    }

    private static Integer integer(String file, String field, Object v) {
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new InvalidKindException(file, field, "must be a whole number, got \"" + v + "\"");
        }
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
