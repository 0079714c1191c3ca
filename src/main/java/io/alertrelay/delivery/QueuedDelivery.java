package io.alertrelay.delivery;

import io.alertrelay.store.AlertStore;
import io.alertrelay.store.StoredDelivery;

/**
 * What the workers' queue holds: a claimed delivery's id, when it was queued (its lease is renewed only
 * if it waited long), and what the worker would otherwise read back: for a delivery claimed by the
 * ingest transaction the alert itself ({@code fresh}), for one claimed by a claim pass its row as that
 * pass read it ({@code claimed}). Either is null for alerts too large to hold in the queue.
 */
public record QueuedDelivery(long id, long queuedNanos, AlertStore.FreshDelivery fresh, StoredDelivery claimed) {}
