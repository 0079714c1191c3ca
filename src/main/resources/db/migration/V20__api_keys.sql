-- API keys. Only the SHA-256 of a key is stored (hex): the plaintext is shown once, at creation.
-- scopes: space-separated (alerts:write, channels:read, admin). A revoked key keeps its row, so the
-- list shows who had access and since when it no longer has.
CREATE TABLE api_keys (
    id          VARCHAR(36)  NOT NULL PRIMARY KEY,
    name        VARCHAR(128) NOT NULL,
    scopes      VARCHAR(255) NOT NULL,
    key_hash    VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_hash_uq UNIQUE (key_hash)
);
