-- The console's charts: why each dead delivery failed (the error type of channel_status, kept per
-- delivery so failure reasons can be counted over time), and an index on created_at so the charts
-- read one window of the deliveries table instead of all of it.
ALTER TABLE deliveries ADD COLUMN last_error_type VARCHAR(64);
CREATE INDEX deliveries_created_idx ON deliveries (created_at);
