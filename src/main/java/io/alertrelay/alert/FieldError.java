package io.alertrelay.alert;

/** What is wrong with one field of the request, named by its JSON path (e.g. {@code [2].title}). */
public record FieldError(String field, String message) {
    @Override
    public String toString() { return field + ": " + message; }
}
