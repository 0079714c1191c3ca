-- Grouping (a channel's group-by). Alerts of one group go out as one digest notification: a delivery
-- row of its own (fingerprint 'group:' + the group key, so one group's digests go out one at a time and
-- in order), waiting as pending with lease_until = when it is due (group-wait after the group's first
-- alert, group-interval after its previous notification), like a held delivery. The group's alerts get
-- a delivery with status 'grouped' that points at the digest (group_delivery_id); they are never claimed.
-- Being rows, a group's pending alerts and its timer survive a restart, and the claim of the digest
-- row (one instance wins it) makes every instance send a group exactly once.
CREATE TABLE notification_groups (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    delivery_id  BIGINT        NOT NULL,
    channel_id   VARCHAR(64)   NOT NULL,
    group_key    VARCHAR(255)  NOT NULL,
    -- the group-by names and the values that make the group, as a JSON object
    group_labels TEXT          NOT NULL,
    due_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT notification_groups_delivery_uq UNIQUE (delivery_id)
);

CREATE INDEX notification_groups_key_idx ON notification_groups (channel_id, group_key, delivery_id);

ALTER TABLE deliveries ADD COLUMN group_delivery_id BIGINT;
CREATE INDEX deliveries_group_idx ON deliveries (group_delivery_id);
