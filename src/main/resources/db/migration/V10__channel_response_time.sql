-- Mean response time per channel: the success path adds each successful attempt's duration, so
-- GET /channels can show total / count without keeping samples.
ALTER TABLE channel_status ADD COLUMN response_time_total_ms BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE channel_status ADD COLUMN response_time_count BIGINT DEFAULT 0 NOT NULL;
