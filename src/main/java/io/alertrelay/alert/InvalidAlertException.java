package io.alertrelay.alert;

import java.util.List;

/** A request the relay refuses; carries the HTTP status and the fields at fault. */
public class InvalidAlertException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<FieldError> errors;

    public InvalidAlertException(int status, String code, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public static InvalidAlertException of(List<FieldError> errors) {
        String msg = errors.size() == 1 ? errors.get(0).toString()
                : errors.get(0) + " (and " + (errors.size() - 1) + " more)";
        return new InvalidAlertException(400, "invalid_alert", msg, errors);
    }

    public int status() { return status; }
    public String code() { return code; }
    public List<FieldError> errors() { return errors; }
}
