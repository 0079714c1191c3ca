package io.alertrelay.delivery;

import java.util.Set;
import java.util.regex.Pattern;

/** What a kind knows about its vendor's error answers: where the useful text is, and extra retryable statuses. */
public interface VendorErrors {

    /**
     * The useful part of the vendor's error answer (Jira's errorMessages and errors, GitHub's 422
     * errors, …) for the channel's failure message, or null to fall back to the generic summary.
     */
    default String describeError(VendorAnswer answer) {
        return null;
    }

    /** Statuses worth another try besides 408, 429 and 5xx (a vendor's own "busy" answer). */
    default Set<Integer> retryableStatuses() {
        return Set.of();
    }

    /**
     * For a vendor that may answer 2xx to a request it did not take: a 2xx answer whose text contains a
     * match of this is a failure (send-http checks it), or null when every 2xx counts as delivered.
     */
    default Pattern refusal() {
        return null;
    }

    VendorErrors NONE = new VendorErrors() {};
}
