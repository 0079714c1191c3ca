package io.alertrelay.kind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.kinds.slack.SlackMarkdown;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request of a kind file (requests.&lt;name&gt;): method, url, headers, query and a JSON or form body
 * declared as a YAML tree. Every string in it is a Mustache template over the kind variables; the tree
 * is rendered leaf by leaf and serialised by Jackson, so alert text can never break the JSON. A string
 * that is exactly one {{variable}} keeps the variable's own type (number, list, object), and members
 * that render empty are left out, as vendors tend to refuse empty fields.
 */
final class RequestTemplate {

    static final Mustache.Compiler MUSTACHE = Mustache.compiler().escapeHTML(false).defaultValue("")
            .emptyStringIsFalse(true).zeroIsFalse(true);
    private static final ObjectMapper PARSER = new ObjectMapper();
    private static final Pattern WHOLE = Pattern.compile("^\\{\\{\\s*([A-Za-z0-9_.\\-]+)\\s*(?:\\|\\s*(number|boolean|string)\\s*)?}}$");
    private static final List<String> KEYS = List.of("method", "url", "headers", "query", "body", "form", "content-type",
            "verify-tls", "budget");

    /** A compiled piece of the tree. */
    private sealed interface Node permits Const, Text, Whole, Obj, Arr, Each, Split, Typed, If, Merge {}
    /**
     * {$each: config.teams, as: {name: "{{item}}"}}: one rendered "as" per element of a list variable; a
     * single value counts as a list of one and a missing one as empty.
     */
    private record Each(String path, Node as) implements Node {}
    /**
     * {$split: "{{#mrkdwn}}{{body}}{{/mrkdwn}}", max: 3000, limit: 47, as: {text: "{{item}}"}}: the rendered
     * text in pieces of at most max characters (between paragraphs or lines where it can, a code block cut
     * in two closed and reopened), one "as" per piece; past limit pieces the last one ends with the marker.
     */
    private record Split(Template text, int max, int limit, Node as) implements Node {}
    /**
     * {$number: "{{#alert.resolved}}1{{/alert.resolved}}…"}: a rendered text as a number (or $boolean, or
     * $json: the text of a structured conversion such as {{#textBlocks}}, parsed).
     */
    private record Typed(Node text, String as) implements Node {}
    /** {$if: config.include-link, then: …}: "then" only when the variable is set (not empty, not false). */
    private record If(String path, Node then) implements Node {}
    /**
     * {$merge: [{message: "…"}, "{{alert.label}}", "{{alert.details}}"]}: the maps' members in one map, a
     * later one winning; a {{variable}} that is not a map goes in under its last name (details). Also a
     * request's headers, query or form: [ "{{config.headers}}", {"{{config.secret-header}}": "…"} ].
     */
    private record Merge(List<Node> items) implements Node {}
    private record Const(Object value) implements Node {}
    private record Text(Template template) implements Node {}
    /** A string that is exactly one {{path}} (or {{path | number}}, | boolean, | string): the value itself. */
    private record Whole(String path, String as) implements Node {}
    /**
     * A map's members in order. A member's name may be a template ("{{config.secret-header}}": left out when
     * it renders empty).
     */
    private record Obj(List<Member> members) implements Node {}
    private record Member(String name, Template template, Node value) {}
    private record Arr(List<Node> items) implements Node {}

    private final Node method;
    private final Node url;
    /** Each renders a map: a map of names to values, or a $merge. */
    private final Node headers;
    private final Node query;
    private final Node body;
    private final Node form;
    private final String contentType;
    /** verify-tls: "{{config.verify-tls}}"; false accepts any certificate of the target. */
    private final Node verifyTls;
    private final RequestBudget budget;

    private RequestTemplate(Node method, Node url, Node headers, Node query, Node body, Node form, String contentType,
                            Node verifyTls, RequestBudget budget) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.query = query;
        this.body = body;
        this.form = form;
        this.contentType = contentType;
        this.verifyTls = verifyTls;
        this.budget = budget;
    }

    @SuppressWarnings("unchecked")
    static RequestTemplate compile(String file, String field, Object raw) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw new InvalidKindException(file, field, "must be a map with method, url, headers, query, body or form");
        }
        InvalidKindException.requireKnownKeys(file, field, m, KEYS, "request");
        if (m.get("url") == null) {
            throw new InvalidKindException(file, field + ".url", "is required");
        }
        if (m.get("body") != null && m.get("form") != null) {
            throw new InvalidKindException(file, field, "has body and form; a request sends one of them");
        }
        Node method = node(file, field + ".method", m.get("method") == null ? "POST" : m.get("method"));
        if (method instanceof Const c && !List.of("GET", "POST", "PUT", "PATCH", "DELETE")
                .contains(String.valueOf(c.value()).toUpperCase(Locale.ROOT))) {
            throw new InvalidKindException(file, field + ".method", "must be GET, POST, PUT, PATCH or DELETE, got \"" + c.value() + "\"");
        }
        return new RequestTemplate(method, node(file, field + ".url", m.get("url")),
                members(file, field + ".headers", m.get("headers")), members(file, field + ".query", m.get("query")),
                m.get("body") == null ? null : node(file, field + ".body", m.get("body")),
                m.get("form") == null ? null : members(file, field + ".form", m.get("form")),
                m.get("content-type") == null ? null : String.valueOf(m.get("content-type")),
                m.get("verify-tls") == null ? null : node(file, field + ".verify-tls", m.get("verify-tls")),
                m.get("budget") == null ? null
                        : RequestBudget.compile(file, field + ".budget", m.get("budget"), m.get("body") != null || m.get("form") != null));
    }

    private static Node members(String file, String field, Object raw) {
        if (raw == null) {
            return new Obj(List.of());
        }
        Node members = raw instanceof Map<?, ?> ? node(file, field, raw) : null;
        if (!(members instanceof Obj || members instanceof Merge || (members instanceof Const c && c.value() instanceof Map))) {
            throw new InvalidKindException(file, field, "must be a map of names to values, or a $merge of them");
        }
        return members;
    }

    private static Obj obj(String file, String field, Map<?, ?> m) {
        List<Member> out = new ArrayList<>();
        m.forEach((k, v) -> {
            String name = String.valueOf(k);
            Template template = null;
            if (name.contains("{{")) {
                try {
                    template = MUSTACHE.compile(name);
                } catch (MustacheException e) {
                    throw new InvalidKindException(file, field + "." + name, "is not a valid template for a name: " + e.getMessage());
                }
            }
            out.add(new Member(name, template, node(file, field + "." + name, v)));
        });
        return new Obj(out);
    }

    private static Node node(String file, String field, Object raw) {
        if ((raw instanceof List<?> l0 && l0.isEmpty()) || (raw instanceof Map<?, ?> m0 && m0.isEmpty())) {
            // written empty on purpose ("allowed_mentions": {"parse": []}): kept, unlike a value that renders empty
            return new Const(raw);
        }
        if (raw instanceof Map<?, ?> m && m.containsKey("$each")) {
            if (m.get("as") == null || m.size() != 2) {
                throw new InvalidKindException(file, field, "with $each needs exactly $each (a list variable) and as (the item's shape)");
            }
            return new Each(String.valueOf(m.get("$each")), node(file, field + ".as", m.get("as")));
        }
        for (String as : List.of("number", "boolean", "json")) {
            if (raw instanceof Map<?, ?> m && m.containsKey("$" + as)) {
                if (m.size() != 1) {
                    throw new InvalidKindException(file, field, "with $" + as + " has nothing else beside it");
                }
                return new Typed(node(file, field + ".$" + as, String.valueOf(m.get("$" + as))), as);
            }
        }
        if (raw instanceof Map<?, ?> m && m.containsKey("$split")) {
            return split(file, field, m);
        }
        if (raw instanceof Map<?, ?> m && m.containsKey("$if")) {
            if (m.get("then") == null || m.size() != 2) {
                throw new InvalidKindException(file, field, "with $if needs exactly $if (a variable) and then (what to send when it is set)");
            }
            return new If(String.valueOf(m.get("$if")), node(file, field + ".then", m.get("then")));
        }
        if (raw instanceof Map<?, ?> m && m.containsKey("$merge")) {
            if (m.size() != 1 || !(m.get("$merge") instanceof List<?> l)) {
                throw new InvalidKindException(file, field, "with $merge needs a list of maps and {{variables}}, and nothing beside it");
            }
            List<Node> items = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                Node item = node(file, field + ".$merge[" + i + "]", l.get(i));
                if (!(item instanceof Obj || item instanceof Whole)) {
                    throw new InvalidKindException(file, field + ".$merge[" + i + "]", "must be a map or a {{variable}}");
                }
                items.add(item);
            }
            return new Merge(items);
        }
        if (raw instanceof Map<?, ?> m) {
            return obj(file, field, m);
        }
        if (raw instanceof List<?> l) {
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                out.add(node(file, field + "[" + i + "]", l.get(i)));
            }
            return new Arr(out);
        }
        if (raw instanceof String s) {
            Matcher whole = WHOLE.matcher(s.strip());
            if (whole.matches()) {
                return new Whole(whole.group(1), whole.group(2));
            }
            if (!s.contains("{{")) {
                return new Const(s);
            }
            try {
                return new Text(MUSTACHE.compile(s));
            } catch (MustacheException e) {
                throw new InvalidKindException(file, field, "is not a valid template: " + e.getMessage());
            }
        }
        return new Const(raw);
    }

    private static Split split(String file, String field, Map<?, ?> m) {
        if (m.get("as") == null || m.get("max") == null || !List.of("$split", "max", "limit", "as").containsAll(
                m.keySet().stream().map(String::valueOf).toList())) {
            throw new InvalidKindException(file, field, "with $split needs $split (a text), max (characters per piece), as (the piece's shape) and may have limit (pieces)");
        }
        int max = positive(file, field + ".max", m.get("max"));
        int limit = m.get("limit") == null ? Integer.MAX_VALUE : positive(file, field + ".limit", m.get("limit"));
        if (max <= Limits.MARKER.length() + 8) {
            throw new InvalidKindException(file, field + ".max", "must be more than " + (Limits.MARKER.length() + 8));
        }
        try {
            return new Split(MUSTACHE.compile(String.valueOf(m.get("$split"))), max, limit, node(file, field + ".as", m.get("as")));
        } catch (MustacheException e) {
            throw new InvalidKindException(file, field + ".$split", "is not a valid template: " + e.getMessage());
        }
    }

    private static int positive(String file, String field, Object v) {
        try {
            int n = Integer.parseInt(String.valueOf(v).strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidKindException(file, field, "must be a positive whole number, got \"" + v + "\"");
    }

    /** The request for one delivery; what send-http puts on the wire and what a preview shows. */
    OutboundRequest render(Map<String, Object> model, ObjectMapper json) {
        String m = text(render(method, model)).toUpperCase(Locale.ROOT);
        String target = text(render(url, model)).strip();
        Map<String, String> q = strings(query, model);
        if (!q.isEmpty()) {
            target = withQuery(target, q);
        }
        checkUrl(target);
        Map<String, String> h = new LinkedHashMap<>();
        String payload = null;
        if (body != null) {
            h.put("Content-Type", contentType != null ? contentType : "application/json; charset=utf-8");
        } else if (form != null) {
            h.put("Content-Type", contentType != null ? contentType : "application/x-www-form-urlencoded; charset=utf-8");
        }
        if (body != null || form != null) {
            payload = budget == null ? payload(model, json) : budget.fit(model, cut -> payload(cut, json));
        }
        h.putAll(strings(headers, model));
        Object verify = verifyTls == null ? null : render(verifyTls, model);
        return new OutboundRequest(m, target, h, payload, !(Boolean.FALSE.equals(verify) || "false".equals(text(verify).strip())));
    }

    private String payload(Map<String, Object> model, ObjectMapper json) {
        if (form != null) {
            return encode(strings(form, model));
        }
        try {
            return json.writeValueAsString(render(body, model));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The URL with the query members added; a parameter of the same name already in the URL is replaced
     * (an operator's wait=false cannot undo the kind's wait=true), and a fragment is dropped.
     */
    static String withQuery(String url, Map<String, String> query) {
        int hash = url.indexOf('#');
        String base = hash >= 0 ? url.substring(0, hash) : url;
        int q = base.indexOf('?');
        List<String> params = new ArrayList<>();
        if (q >= 0) {
            // compared encoded: decoding an operator's malformed %-escape must not fail the delivery
            List<String> replaced = query.keySet().stream().map(k -> URLEncoder.encode(k, StandardCharsets.UTF_8)).toList();
            for (String param : base.substring(q + 1).split("&")) {
                if (!param.isEmpty() && !replaced.contains(param.split("=", 2)[0])) {
                    params.add(param);
                }
            }
            base = base.substring(0, q);
        }
        params.add(encode(query));
        return base + "?" + String.join("&", params);
    }

    private static void checkUrl(String target) {
        try {
            URI uri = new URI(target);
            if (uri.getScheme() != null && uri.getHost() != null
                    && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                return;
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below, without the URL: it may carry a token
        }
        throw new NonRetryableDeliveryException("config_error", "the kind's request URL is not an absolute http(s) URL");
    }

    private static String encode(Map<String, String> fields) {
        List<String> out = new ArrayList<>();
        fields.forEach((k, v) -> out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", out);
    }

    /** Members that render empty are left out (an optional header, query or form field). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> strings(Node nodes, Map<String, Object> model) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<String, Object>) render(nodes, model)).forEach((k, v) -> {
            if (!isEmpty(v)) {
                out.put(k, text(v));
            }
        });
        return out;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static boolean isEmpty(Object v) {
        return v == null || (v instanceof String s && s.isEmpty())
                || (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof List<?> l && l.isEmpty());
    }

    private static Object render(Node n, Map<String, Object> model) {
        if (n instanceof Const c) {
            return c.value();
        }
        if (n instanceof Text t) {
            return t.template().execute(model);
        }
        if (n instanceof Typed t) {
            return convert(render(t.text(), model), t.as());
        }
        if (n instanceof Whole w) {
            return convert(lookup(model, w.path()), w.as());
        }
        if (n instanceof Each e) {
            List<Object> out = new ArrayList<>();
            Object found = lookup(model, e.path());
            // a single value is a list of one, so {$each: alert.project} makes an optional item
            List<?> items = found instanceof List<?> l ? l : isEmpty(found) ? List.of() : List.of(found);
            for (Object item : items) {
                Map<String, Object> scope = new KindVariables.Scope(model);
                scope.put("item", item);
                Object value = render(e.as(), scope);
                if (!isEmpty(value)) {
                    out.add(value);
                }
            }
            return out;
        }
        if (n instanceof Split sp) {
            List<String> pieces = SlackMarkdown.split(sp.text().execute(model), sp.max());
            if (pieces.size() > sp.limit()) {
                pieces = new ArrayList<>(pieces.subList(0, sp.limit()));
                String last = pieces.get(sp.limit() - 1);
                pieces.set(sp.limit() - 1, Limits.cut(last, sp.max() - Limits.MARKER.length()) + Limits.MARKER);
            }
            List<Object> out = new ArrayList<>();
            for (String piece : pieces) {
                Map<String, Object> scope = new KindVariables.Scope(model);
                scope.put("item", piece);
                Object value = render(sp.as(), scope);
                if (!isEmpty(value)) {
                    out.add(value);
                }
            }
            return out;
        }
        if (n instanceof If i) {
            Object found = lookup(model, i.path());
            return isEmpty(found) || Boolean.FALSE.equals(found) ? null : render(i.then(), model);
        }
        if (n instanceof Merge mg) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Node item : mg.items()) {
                Object value = render(item, model);
                if (value instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> out.put(String.valueOf(k), v));
                } else if (!isEmpty(value)) {
                    String path = ((Whole) item).path();
                    out.put(path.substring(path.lastIndexOf('.') + 1), value);
                }
            }
            return out;
        }
        if (n instanceof Obj o) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Member member : o.members()) {
                Object value = render(member.value(), model);
                String name = member.template() == null ? member.name() : member.template().execute(model);
                if (!name.isEmpty() && (!isEmpty(value) || keepsEmpty(member.value()))) {
                    out.put(name, value);
                }
            }
            return out;
        }
        List<Object> out = new ArrayList<>();
        for (Node item : ((Arr) n).items()) {
            Object value = render(item, model);
            if (!(item instanceof Const || item instanceof Arr) && value instanceof List<?> l) {
                // a list variable inside a list is spliced in: [ "{{config.tags}}", "alert" ]
                l.stream().filter(x -> !isEmpty(x)).forEach(out::add);
            } else if (!isEmpty(value)) {
                out.add(value);
            }
        }
        return out;
    }

    /**
     * Written empty or null on purpose (parse: [], "contentUrl": null), or "{{x | string}}": the member is
     * sent as written.
     */
    private static boolean keepsEmpty(Node n) {
        return (n instanceof Const c && (c.value() == null || c.value() instanceof List || c.value() instanceof Map))
                || (n instanceof Whole w && "string".equals(w.as()));
    }

    private static Object convert(Object v, String as) {
        if ("string".equals(as)) {
            return v == null ? "" : v.toString();
        }
        if (as == null || v == null || (v instanceof String s && s.isBlank())) {
            return v;
        }
        String s = v.toString().strip();
        return switch (as) {
            case "number" -> {
                try {
                    yield s.contains(".") ? (Object) new java.math.BigDecimal(s) : (Object) Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw new NonRetryableDeliveryException("config_error", "\"" + Limits.cut(s, 40) + "\" is not a number");
                }
            }
            case "boolean" -> Boolean.parseBoolean(s);
            case "json" -> {
                try {
                    yield PARSER.readValue(s, Object.class);
                } catch (JsonProcessingException e) {
                    throw new NonRetryableDeliveryException("config_error", "a $json value is not JSON: " + Limits.cut(s, 40));
                }
            }
            default -> s;
        };
    }

    /** a.b.c through maps (and list indexes), as Mustache would resolve it; null when absent. */
    static Object lookup(Map<String, Object> model, String path) {
        Object cur = model;
        for (String part : path.split("\\.")) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(part);
            } else if (cur instanceof List<?> l && part.matches("\\d+") && Integer.parseInt(part) < l.size()) {
                cur = l.get(Integer.parseInt(part));
            } else {
                return null;
            }
            if (cur instanceof java.util.function.Supplier<?> s) {
                cur = s.get();
            }
        }
        return cur;
    }
}
