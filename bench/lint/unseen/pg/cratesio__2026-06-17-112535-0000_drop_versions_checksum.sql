-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-06-17-112535-0000_drop_versions_checksum/up.sql
-- safety-assured:start
-- The previous release stopped reading and writing `checksum` entirely, so no
-- running code references the column when it is dropped.
ALTER TABLE versions DROP COLUMN checksum;
-- safety-assured:end
