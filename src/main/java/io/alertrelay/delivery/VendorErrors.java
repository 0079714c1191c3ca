package io.alertrelay.delivery;

import java.util.Set;

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

    VendorErrors NONE = new VendorErrors() {};
}
