package io.alertrelay.delivery;

/** Cutting text to a vendor's limit, visibly, without splitting a surrogate pair. */
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

    private static String safeSubstring(String s, int end) {
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }
}
