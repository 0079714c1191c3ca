-- Noise control. Silences are rows so that every instance sees them (each caches them and reloads them
-- every few seconds). matchers holds the silence's matchers in Alertmanager's syntax, as normalised text.
CREATE TABLE silences (
    id          VARCHAR(36)   NOT NULL PRIMARY KEY,
    matchers    VARCHAR(4000) NOT NULL,
    starts_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by  VARCHAR(255)  NOT NULL,
    comment     VARCHAR(2000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Firing alerts that match the source side of an inhibit rule, one row per fingerprint (the latest
-- firing alert); a resolved alert deletes its row, and a row past expires_at inhibits nothing.
-- attributes: the alert's labels and fields as a JSON object, what the rules' matchers look at.
CREATE TABLE inhibit_sources (
    fingerprint VARCHAR(255)  NOT NULL PRIMARY KEY,
    alert_id    VARCHAR(36)   NOT NULL,
    attributes  TEXT          NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A delivery that noise control stopped is 'suppressed' (a final status, like sent and dead), with why:
-- silence, inhibited, muted, repeat_interval, resolved_while_held, and what: the silence id, the
-- inhibiting alert id, the time interval's name, the delivery the repeat would have repeated. A delivery
-- held by a mute interval stays pending with reason 'held' and the interval's name until it goes out.
ALTER TABLE deliveries ADD COLUMN suppressed_reason VARCHAR(32);
ALTER TABLE deliveries ADD COLUMN suppressed_ref VARCHAR(255);
