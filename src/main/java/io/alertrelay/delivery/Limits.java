package io.alertrelay.delivery;

/**
 * Cutting text to a vendor's limit, visibly, without splitting a surrogate pair; and making text safe to
 * write to a log.
 */
public final class Limits {

    public static final String MARKER = "… [truncated]";

    private Limits() {}

    /** At most {@code max} characters (UTF-16 units), ending with the marker when something was cut. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        if (max <= MARKER.length()) {
            return safeSubstring(text, max);
        }
        return safeSubstring(text, max - MARKER.length()) + MARKER;
    }

    /** The first line only, cut to {@code max}: for summaries and titles that must be one line. */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return cut(line, max);
    }

    /**
     * The text with every control character escaped (\\n, \\r, \\t, else \\u001b style): C0, DEL, C1 and
     * the Unicode line and paragraph separators. For anything an alert sender controls that goes to the
     * log: a raw newline would let one alert forge log lines, an ANSI escape recolour or hide them.
     */
    public static String loggable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
            if (!control) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String safeSubstring(String s, int end) {
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
