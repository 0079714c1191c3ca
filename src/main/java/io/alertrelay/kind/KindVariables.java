package io.alertrelay.kind;

import com.samskivert.mustache.Mustache;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.TemplateModel;
import io.alertrelay.kinds.slack.SlackMarkdown;
import io.alertrelay.kinds.teams.TeamsMarkdown;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.text.LineBreakRendering;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * The one documented set of variables a kind file's requests are rendered from (README, "Kind file
 * reference"): alert, config, channel, title, body, text, html, bySeverity, byStatus, vars, plus the
 * shared conversions as Mustache sections ({{#cut.4096}}…{{/cut.4096}}, {{#html}}, {{#mrkdwn}}, …).
 */
public final class KindVariables {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Parser MARKDOWN = Parser.builder().build();
    // alert text is untrusted: raw HTML in it is escaped, javascript: links dropped
    private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();
    private static final TextContentRenderer PLAIN = TextContentRenderer.builder().build();
    private static final TextContentRenderer PLAIN_BLOCKS = TextContentRenderer.builder()
            .lineBreakRendering(LineBreakRendering.SEPARATE_BLOCKS).build();
    private static final Pattern NAMED = Pattern.compile("^\\s*(.*?)\\s*<\\s*([^<>\\s]+@[^<>\\s]+)\\s*>\\s*$");
    private static final Pattern ADDRESS = Pattern.compile("^\\s*([^<>\\s]+@[^<>\\s]+)\\s*$");
    /** Printable ASCII without surrounding blanks. */
    private static final Pattern PRINTABLE_KEY = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?");

    private KindVariables() {}

    /**
     * @param json the relay's ObjectMapper, so that alert.json is the alert as the relay's API writes it
     */
    public static Map<String, Object> of(DeliveryContext delivery, Map<String, Object> exchangeVariables,
                                         com.fasterxml.jackson.databind.ObjectMapper json) {
        Alert a = delivery.alert();
        Channel c = delivery.channel();
        Map<String, Object> alert = new HashMap<>(TemplateModel.of(a, c));
        // a blank field (source: " ") is no field: no empty fact, and a section's fallback applies
        alert.replaceAll((k, v) -> v instanceof String s && s.isBlank() ? null : v);
        alert.put("firing", "firing".equals(a.status()));
        alert.put("acknowledged", "acknowledged".equals(a.status()));
        alert.put("details", a.details() == null ? null : JSON.convertValue(a.details(), Object.class));
        List<String> pairs = new ArrayList<>();
        if (a.labels() != null) {
            a.labels().forEach((k, v) -> pairs.add(k + "=" + v));
        }
        alert.put("labelPairs", pairs);
        alert.put("labelTags", pairs.stream().map(p -> p.replaceFirst("=", ":")).toList());
        alert.put("epochSeconds", a.occurredAt() == null ? null : a.occurredAt().getEpochSecond());
        // for {$each: alert.links}: a button or link only when the alert has a URL
        alert.put("links", a.url() == null ? List.of() : List.of(a.url()));
        // only a request that sends the whole alert ("{{alert.json}}") pays for the tree
        alert.put("json", new Lazy(() -> json.valueToTree(a)));
        String markdown = delivery.body();
        Map<String, Object> m = new Scope(functions());
        m.put("alert", alert);
        m.put("config", c.config());
        m.put("channel", c.id());
        m.put("deliveryId", delivery.deliveryId());
        m.put("now", Map.of("epochSeconds", java.time.Instant.now().getEpochSecond()));
        m.put("title", delivery.title());
        m.put("body", markdown);
        // a Markdown parse each, paid only by the kinds that send them
        m.put("text", new Lazy(() -> plain(markdown)));
        m.put("html", new Lazy(() -> html(markdown)));
        m.put("bySeverity", new Pick(c.config(), a.severity()));
        m.put("byStatus", new Pick(c.config(), a.status()));
        m.put("vars", exchangeVariables == null ? Map.of() : exchangeVariables);
        return m;
    }

    /**
     * What spec.errors.message renders a vendor's error answer from: status, text (the answer, stripped),
     * json (the answer parsed, or null), explained (the entry of spec.errors.explain for the text), and the
     * shared conversions.
     */
    static Map<String, Object> ofAnswer(io.alertrelay.delivery.VendorAnswer answer, Map<String, String> explain) {
        Map<String, Object> m = new HashMap<>(functions());
        String text = answer.text().strip();
        m.put("status", answer.status());
        m.put("text", text);
        m.put("json", answer.json() == null ? null : JSON.convertValue(answer.json(), Object.class));
        // an empty answer is explained by its status ("413": …)
        m.put("explained", explain.get(text.isEmpty() ? String.valueOf(answer.status()) : text));
        m.put("fieldError", answer.object() == null ? null : fieldError(answer.object().path("errors"), ""));
        return m;
    }

    /**
     * The first field error of a nested errors object, as "path: message":
     * {"errors":{"embeds":{"0":{"description":{"_errors":[{"message":"Must be 4096 or fewer"}]}}}}} gives
     * "embeds.0.description: Must be 4096 or fewer".
     */
    private static String fieldError(com.fasterxml.jackson.databind.JsonNode node, String path) {
        if (!node.isObject()) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode errors = node.path("_errors");
        if (errors.isArray() && !errors.isEmpty()) {
            return path + ": " + errors.get(0).path("message").asText();
        }
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String found = fieldError(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static String plain(String markdown) {
        return markdown == null ? "" : PLAIN.render(MARKDOWN.parse(markdown)).strip();
    }

    static String plainBlocks(String markdown) {
        return markdown == null ? "" : PLAIN_BLOCKS.render(MARKDOWN.parse(markdown)).strip();
    }

    /** {name, address} of "Name &lt;address&gt;" or of a bare address (named by itself); empty when neither. */
    static String[] mailbox(String entry) {
        Matcher named = NAMED.matcher(entry);
        if (named.matches()) {
            String name = named.group(1).replaceAll("[<>]", "").strip();
            return new String[] {name.isEmpty() ? named.group(2) : name, named.group(2)};
        }
        Matcher bare = ADDRESS.matcher(entry);
        return bare.matches() ? new String[] {bare.group(1), bare.group(1)} : new String[] {"", ""};
    }

    static String keyOrHash(String key, int max) {
        if (key.length() <= max && PRINTABLE_KEY.matcher(key).matches()) {
            return key;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String html(String markdown) {
        if (markdown == null) {
            return "";
        }
        Node doc = MARKDOWN.parse(markdown);
        return HTML.render(doc).strip();
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The shared conversions, each a section whose rendered content it converts. */
    static Map<String, Object> functions() {
        Map<String, Object> f = new HashMap<>();
        f.put("cut", new Sized(max -> s -> Limits.cut(s, max)));
        // a vendor's key (PagerDuty's dedup_key): the text as is while it is printable ASCII within N
        // characters, else a stable sha256:<hex> of it
        f.put("keyOrHash", new Sized(max -> s -> keyOrHash(s, max)));
        f.put("withoutPrefix", new WithoutPrefix());
        f.put("html", lambda(KindVariables::html));
        f.put("plain", lambda(KindVariables::plain));
        f.put("mrkdwn", lambda(SlackMarkdown::toMrkdwn));
        // for $json: a JSON list of Adaptive Card TextBlocks, one per Markdown block
        f.put("textBlocks", lambda(TeamsMarkdown::textBlocks));
        // for vendors that show text as it is: a blank line between paragraphs, lists and code
        f.put("plainBlocks", lambda(KindVariables::plainBlocks));
        // "Name <address>" or a bare address (a person to mention): the name (else the address), the address
        f.put("mailboxName", lambda(s -> mailbox(s)[0]));
        f.put("mailboxAddress", lambda(s -> mailbox(s)[1]));
        f.put("escapeHtml", lambda(KindVariables::escapeHtml));
        // Slack's three control characters (&, <, >), so text can make neither markup nor <!channel>
        f.put("escapeMrkdwn", lambda(SlackMarkdown::escape));
        f.put("oneLine", lambda(s -> Limits.oneLine(s, Integer.MAX_VALUE)));
        // control characters written as \\n, \\u001b: alert text for a log line cannot forge lines nor colour a terminal
        f.put("loggable", lambda(Limits::loggable));
        // a chat sender icon given as an emoji (":name:" or "name") or an image URL, for the member that takes each
        f.put("iconUrl", lambda(s -> isWebUrl(s) ? s.strip() : ""));
        f.put("iconEmoji", lambda(s -> s.isBlank() || isWebUrl(s) ? "" : s.strip().startsWith(":") ? s.strip() : ":" + s.strip() + ":"));
        f.put("upper", lambda(s -> s.toUpperCase(Locale.ROOT)));
        f.put("lower", lambda(s -> s.toLowerCase(Locale.ROOT)));
        f.put("trim", lambda(String::strip));
        f.put("base64", lambda(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))));
        f.put("urlencode", lambda(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")));
        return f;
    }

    private static boolean isWebUrl(String s) {
        String lower = s.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static Mustache.Lambda lambda(UnaryOperator<String> fn) {
        return (frag, out) -> out.write(fn.apply(frag.execute()));
    }

    /**
     * A conversion with a size, as {{#cut.N}}…{{/cut.N}}: the content cut to N characters, ending with the
     * visible marker when cut.
     */
    private static final class Sized extends AbstractMap<String, Object> {
        private final IntFunction<UnaryOperator<String>> fn;

        Sized(IntFunction<UnaryOperator<String>> fn) {
            this.fn = fn;
        }

        @Override
        public Object get(Object key) {
            String k = String.valueOf(key);
            if (!k.matches("\\d{1,7}")) {
                return null;
            }
            return lambda(fn.apply(Integer.parseInt(k)));
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    }

    /**
     * The kind variables, or a scope made from them (a $each item's, a signature's): a map whose lazy
     * entries are worked out when a template or a {{path}} first reads them, once for all copies.
     */
    static final class Scope extends HashMap<String, Object> {
        Scope(Map<String, Object> from) {
            super(from);
        }

        @Override
        public Object get(Object key) {
            Object v = super.get(key);
            return v instanceof Lazy lazy ? lazy.get() : v;
        }
    }

    /** A value worked out when first read; as text (a template's {{alert.json}}) its string form. */
    private static final class Lazy implements java.util.function.Supplier<Object> {
        private java.util.function.Supplier<Object> compute;
        private Object value;

        Lazy(java.util.function.Supplier<Object> compute) {
            this.compute = compute;
        }

        @Override
        public synchronized Object get() {
            if (compute != null) {
                value = compute.get();
                compute = null;
            }
            return value;
        }

        @Override
        public String toString() {
            return String.valueOf(get());
        }
    }

    /** {{#withoutPrefix.whsec_}}…{{/withoutPrefix.whsec_}}: the content without that prefix, when it starts with it. */
    private static final class WithoutPrefix extends AbstractMap<String, Object> {
        @Override
        public Object get(Object key) {
            String prefix = String.valueOf(key);
            return lambda(s -> s.startsWith(prefix) ? s.substring(prefix.length()) : s);
        }

        @Override
        public boolean containsKey(Object key) {
            return true;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    }

    /** bySeverity.&lt;field&gt;: the entry of a map config field for the alert's severity (or status). */
    private static final class Pick extends AbstractMap<String, Object> {
        private final Map<String, Object> config;
        private final String key;

        Pick(Map<String, Object> config, String key) {
            this.config = config;
            this.key = key;
        }

        @Override
        public Object get(Object field) {
            return config.get(String.valueOf(field)) instanceof Map<?, ?> m ? m.get(key) : null;
        }

        @Override
        public boolean containsKey(Object field) {
            return get(field) != null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    }
}
