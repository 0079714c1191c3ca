-- The vendor-side object a fingerprint maps to on a channel (Jira key, GitHub issue number, PagerDuty
-- dedup key), so repeats, regressions and resolves act on the same ticket, also across restarts.
CREATE TABLE external_refs (
    channel_id   VARCHAR(64)  NOT NULL,
    fingerprint  VARCHAR(255) NOT NULL,
    ref          VARCHAR(255) NOT NULL,
    state        VARCHAR(32)  NOT NULL,
    url          VARCHAR(2048),
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT external_refs_pk PRIMARY KEY (channel_id, fingerprint)
);
