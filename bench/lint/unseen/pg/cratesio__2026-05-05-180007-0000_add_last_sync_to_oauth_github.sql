-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-05-05-180007-0000_add_last_sync_to_oauth_github/up.sql
ALTER TABLE oauth_github
    -- Set existing rows' last sync value to 1970.
    ADD COLUMN last_sync timestamptz NOT NULL DEFAULT 'epoch';

comment on column oauth_github.last_sync is 'The last time we verified with GitHub what the GitHub username for this user was, and whether the account was valid';
