package io.alertrelay.noise;

import io.alertrelay.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One matcher in Alertmanager's syntax: {@code name="value"}, {@code name!="value"}, {@code name=~"re"},
 * {@code name!~"re"}. As in Alertmanager, a regular expression must match the whole value, and a label
 * the alert does not have counts as the empty string (so {@code team=""} matches alerts without a team).
 */
public record Matcher(String name, Op op, String value, Pattern regex) {

    public enum Op {
        EQ("="), NEQ("!="), RE("=~"), NRE("!~");

        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    private static final Pattern ONE = Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:.-]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*$",
            Pattern.DOTALL);

    public static Matcher of(String name, Op op, String value) {
        Pattern regex = null;
        if (op == Op.RE || op == Op.NRE) {
            try {
                regex = Pattern.compile(value, Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression for " + name + ": " + e.getDescription());
            }
        }
        return new Matcher(name, op, value, regex);
    }

    public boolean matches(Map<String, String> attributes) {
        String v = attributes.getOrDefault(name, "");
        return switch (op) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> regex.matcher(v).matches();
            case NRE -> !regex.matcher(v).matches();
        };
    }

    /** All must match; no matchers match everything. */
    public static boolean all(List<Matcher> matchers, Map<String, String> attributes) {
        for (Matcher m : matchers) {
            if (!m.matches(attributes)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + op.text + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    public static String format(List<Matcher> matchers) {
        return "{" + String.join(", ", matchers.stream().map(Matcher::toString).toList()) + "}";
    }

    /**
     * Parses a list of matchers as Alertmanager's amtool and API accept them: comma-separated, optionally
     * in braces, values quoted or not ({@code {env="prod", alertname=~"Disk.*"}} or {@code env=prod}).
     * Throws IllegalArgumentException naming the piece that is wrong.
     */
    public static List<Matcher> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no matchers given");
        }
        String s = text.trim();
        if (s.startsWith("{")) {
            if (!s.endsWith("}")) {
                throw new IllegalArgumentException("missing closing '}' in " + text);
            }
            s = s.substring(1, s.length() - 1);
        }
        List<Matcher> out = new ArrayList<>();
        for (String piece : split(s)) {
            if (piece.isBlank()) {
                continue;
            }
            java.util.regex.Matcher m = ONE.matcher(piece);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a matcher: \"" + piece.trim()
                        + "\" (expected name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\")");
            }
            Op op = switch (m.group(2)) {
                case "=~" -> Op.RE;
                case "!~" -> Op.NRE;
                case "!=" -> Op.NEQ;
                default -> Op.EQ;
            };
            out.add(of(m.group(1), op, unquote(m.group(3), piece)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no matchers given");
        }
        return out;
    }

    /** Splits on commas outside double quotes. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in " + s);
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v, String piece) {
        if (!v.startsWith("\"")) {
            if (v.contains("\"")) {
                throw new IllegalArgumentException("misplaced quote in \"" + piece.trim() + "\"");
            }
            return v;
        }
        if (v.length() < 2 || !v.endsWith("\"")) {
            throw new IllegalArgumentException("unterminated quote in \"" + piece.trim() + "\"");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                char n = v.charAt(++i);
                out.append(n == 'n' ? '\n' : n);
            } else if (c == '"') {
                throw new IllegalArgumentException("unescaped quote inside \"" + piece.trim() + "\"");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * What matchers see of an alert: its labels, and its fields under their own names (severity, status,
     * reason, type, source, project, title, fingerprint), which win over labels of the same name, since
     * they are what the relay itself routes on. alertname is the label if the alert has one (Alertmanager
     * alerts do), else the title.
     */
    public static Map<String, String> attributes(Alert a) {
        Map<String, String> out = new HashMap<>();
        if (a.labels() != null) {
            out.putAll(a.labels());
        }
        out.putIfAbsent("alertname", a.title());
        put(out, "severity", a.severity());
        put(out, "status", a.status());
        put(out, "reason", a.reason());
        put(out, "type", a.type());
        put(out, "source", a.source());
        put(out, "project", a.project());
        put(out, "title", a.title());
        put(out, "fingerprint", a.fingerprint());
        return out;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
