-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-06-17-110629-0000_versions_checksum_drop_not_null/up.sql
-- safety-assured:start
-- The previous release stopped selecting `checksum` into the `Version` read
-- model and reads the digest from `tar_sha256` instead, so no running code
-- depends on `checksum` being non-null. Making it nullable lets this release
-- stop writing it before the column is dropped.
ALTER TABLE versions ALTER COLUMN checksum DROP NOT NULL;
-- safety-assured:end

