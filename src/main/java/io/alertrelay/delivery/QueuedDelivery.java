package io.alertrelay.delivery;

import io.alertrelay.store.AlertStore;

/**
 * What the workers' queue holds: a claimed delivery's id, when it was queued (its lease is renewed only
 * if it waited long), and, for a delivery claimed by the ingest transaction, the alert itself, so that
 * the worker does not read back what was just written.
 */
public record QueuedDelivery(long id, long queuedNanos, AlertStore.FreshDelivery fresh) {}
