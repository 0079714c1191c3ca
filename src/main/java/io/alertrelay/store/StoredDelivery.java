package io.alertrelay.store;

import java.time.Instant;

/**
 * A delivery row as a worker needs it: which channel, the alert JSON it carries, and its fingerprint (a
 * group's digest has one starting with "group:").
 */
public record StoredDelivery(long id, String channelId, String status, int attempts, String alertJson,
                             Instant createdAt, String fingerprint) {}
