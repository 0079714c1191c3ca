package io.alertrelay.channel;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Hiding what may be a secret although nobody declared it so. Operators paste tokens into URLs
 * ({@code ?token=…}) as often as into secret fields, so every query value, any user:password@ and any
 * fragment of a URL is masked wherever the URL is shown; the scheme, host and path stay readable.
 */
public final class Masking {

    public static final String MASK = "********";
    /** Shorter values would blank out ordinary words in messages and vendor answers. */
    static final int MIN_SECRET_LENGTH = 4;

    private Masking() {}

    /** The URL with userinfo, query values and fragment masked; text that is not an absolute URL as given. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int hostStart = scheme + 3;
        int authorityEnd = indexOfAny(url, "/?#", hostStart);
        String authority = url.substring(hostStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        StringBuilder out = new StringBuilder(url.substring(0, hostStart))
                .append(at < 0 ? authority : MASK + authority.substring(at));
        int queryStart = url.indexOf('?', authorityEnd);
        int fragmentStart = url.indexOf('#', authorityEnd);
        int pathEnd = queryStart >= 0 ? queryStart : fragmentStart >= 0 ? fragmentStart : url.length();
        out.append(url, authorityEnd, pathEnd);
        if (queryStart >= 0) {
            int queryEnd = fragmentStart > queryStart ? fragmentStart : url.length();
            out.append('?').append(query(url.substring(queryStart + 1, queryEnd)));
        }
        if (fragmentStart >= 0) {
            out.append('#').append(MASK);
        }
        return out.toString();
    }

    /** The values of a raw query string (name=value&…), each on its own so a receiver's error can be masked. */
    static List<String> queryValues(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return List.of();
        }
        int end = url.indexOf('#', q);
        List<String> values = new ArrayList<>();
        for (String param : url.substring(q + 1, end < 0 ? url.length() : end).split("&")) {
            int eq = param.indexOf('=');
            String value = eq < 0 ? param : param.substring(eq + 1);
            if (!value.isEmpty()) {
                values.add(value);
                // a receiver may echo the value decoded
                try {
                    String decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
                    if (!decoded.equals(value)) {
                        values.add(decoded);
                    }
                } catch (IllegalArgumentException malformed) {
                    // a stray % stays as given, and masked as given
                }
            }
        }
        return values;
    }

    /** Every secret of at least four characters in the text replaced by the mask; pass them longest first. */
    public static String text(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= MIN_SECRET_LENGTH) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }

    private static String query(String query) {
        StringBuilder out = new StringBuilder();
        for (String param : query.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int eq = param.indexOf('=');
            if (eq < 0) {
                // a bare value (?abc123) may be the token itself
                out.append(param.isEmpty() ? "" : MASK);
            } else {
                out.append(param, 0, eq + 1).append(eq + 1 < param.length() ? MASK : "");
            }
        }
        return out.toString();
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
