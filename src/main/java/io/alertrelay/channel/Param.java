package io.alertrelay.channel;

import java.util.List;

/**
 * One config field of a channel kind, declared like a Kamelet property: its type, whether it is
 * required, its default and whether it is a secret (masked wherever it is shown). minLength and
 * maxLength (null: no rule) bound the length of a single-value field, and pattern (null: none) is a
 * regular expression its whole value must match, checked at startup.
 */
public record Param(String name, Type type, boolean required, Object defaultValue, boolean secret,
                    List<String> allowed, String description, Integer minLength, Integer maxLength, String pattern) {

    public Param(String name, Type type, boolean required, Object defaultValue, boolean secret,
                 List<String> allowed, String description, Integer minLength, Integer maxLength) {
        this(name, type, required, defaultValue, secret, allowed, description, minLength, maxLength, null);
    }

    /**
     * HEADERS: a map of extra HTTP header names to values. Header values often carry tokens, so they are
     * masked like secrets unless the channel lists the header in {@link Channel#PUBLIC_HEADERS}. URL
     * values have their userinfo, query values and fragment masked wherever they are shown.
     */
    public enum Type { STRING, URL, EMAIL, LIST, EMAILS, MAP, HEADERS, BOOLEAN, INTEGER, ENUM }

    public Param(String name, Type type, boolean required, Object defaultValue, boolean secret,
                 List<String> allowed, String description) {
        this(name, type, required, defaultValue, secret, allowed, description, null, null);
    }

    public static Param required(String name, Type type, String description) {
        return new Param(name, type, true, null, false, List.of(), description);
    }

    public static Param optional(String name, Type type, Object dflt, String description) {
        return new Param(name, type, false, dflt, false, List.of(), description);
    }

    public static Param secret(String name, boolean required, String description) {
        return new Param(name, Type.STRING, required, null, true, List.of(), description);
    }

    public static Param oneOf(String name, String dflt, List<String> allowed, String description) {
        return new Param(name, Type.ENUM, false, dflt, false, allowed, description);
    }

    /** The same field, its value limited to min..max characters (e.g. a vendor key of fixed length). */
    public Param length(int min, int max) {
        return new Param(name, type, required, defaultValue, secret, allowed, description, min, max, pattern);
    }

    /** The same field, its whole value matching a regular expression. */
    public Param matching(String regex) {
        return new Param(name, type, required, defaultValue, secret, allowed, description, minLength, maxLength, regex);
    }
}
