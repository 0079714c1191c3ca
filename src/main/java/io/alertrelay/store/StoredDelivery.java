package io.alertrelay.store;

import java.time.Instant;

/** A delivery row as a worker needs it: which channel, and the alert JSON it carries. */
public record StoredDelivery(long id, String channelId, String status, int attempts, String alertJson,
                             Instant createdAt) {}
