package io.alertrelay.api;

import java.util.Set;

/** page and size of a history request, checked so that a typo is a 400 naming the parameter, not a 500. */
record Paging(int page, int size) {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 500;
    /** Far beyond any real history; keeps page * size well inside a long and the database's offset. */
    static final int MAX_PAGE = 1_000_000;
    static final Set<String> STATUSES = Set.of("pending", "sent", "dead", "suppressed");

    static Paging of(String page, String size) {
        return new Paging(number("page", page, 0, 0, MAX_PAGE), number("size", size, DEFAULT_SIZE, 1, MAX_SIZE));
    }

    /** null when no filter was given. */
    static String status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        if (!STATUSES.contains(status)) {
            throw new ApiErrors.BadRequest("status", "must be one of pending, sent, dead, suppressed, got \"" + status + "\"");
        }
        return status;
    }

    static int number(String name, String value, int dflt, int min, int max) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ApiErrors.BadRequest(name, "must be a whole number from " + min + " to " + max + ", got \"" + value + "\"");
        }
        if (n < min || n > max) {
            throw new ApiErrors.BadRequest(name, "must be from " + min + " to " + max + ", got " + n);
        }
        return n;
    }
}
